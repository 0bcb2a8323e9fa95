"""What the compiled execution (`app.graphql.compiled_execution`) does for each field of a
selection, worked out once per request and selection instead of once per object.

graphql-core decides, for every field of every object, how to resolve and complete it:
it looks the field up, builds its resolve info, coerces its arguments, then walks the
return type's wrappers (non-null, list, object) through half a dozen calls. Within one
request a selection set always meets the same types with the same arguments (variables
are fixed), so the decision is taken once per (object type, grouped field set) and kept
in an `ObjectPlan`; the objects of a list then run through it in a loop.

A field is planned as:
- LEAF: a plain leaf (`app.graphql.plain_leaves`), read and coerced inline;
- TYPENAME: `__typename`, the parent type's name;
- OBJECT: an object, or a list of objects, whose resolver (or attribute, for a basic
  strawberry field) is called with arguments coerced once; its value completed by the
  object's own plan;
- GENERAL: anything else (leaves with resolvers, lists of leaves, abstract types,
  `is_type_of`, `@stream`, `@defer` below, arguments that fail to coerce or that are
  not immutable values, introspection), which graphql-core executes as it always has.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    TypeNameMetaFieldDef,
    get_argument_values,
)
from graphql.type.scalars import serialize_id, serialize_string

from app.graphql.plain_leaves import PLAIN_LEAF, PlainLeaf
from app.graphql.prefetch.nodes import RowNode, row_reader

LEAF, TYPENAME, OBJECT, GENERAL = "leaf", "typename", "object", "general"
# Argument values one dict may hand to every object's resolver call: none can be mutated.
_IMMUTABLE_ARGUMENTS = (str, int, float, Decimal, Enum, type(None))
# Leaf types whose output coercion returns a `str` unchanged (`serialize_string`, `serialize_id`).
_STR_AS_IS = (serialize_string, serialize_id)


class FieldPlan:
    """How one response key of an object type is answered (see the module docstring)."""

    __slots__ = (
        "args",
        "attribute",
        "details",
        "enum_class",
        "enum_names",
        "field_def",
        "info_class",
        "info_head",
        "info_tail",
        "is_list",
        "item_non_null",
        "item_type",
        "kind",
        "leaf",
        "name",
        "nodes",
        "object_type",
        "parent_type",
        "resolve",
        "return_type",
        "row_class",
        "row_read",
        "str_as_is",
        "str_of",
        "sub_fields",
        "sub_plan",
    )

    def __init__(self, name: str, kind: str, parent_type: GraphQLObjectType, details: Any) -> None:
        self.name, self.kind, self.parent_type, self.details = name, kind, parent_type, details
        self.field_def: Any = None
        self.leaf: PlainLeaf | None = None
        self.attribute = ""
        self.str_as_is = False
        # A leaf's output worked out here for its common values: `str(value)` for values
        # of type `str_of`; for a member of `enum_class`, its name by the member's id.
        self.str_of: type | None = None
        self.enum_class: type | None = None
        self.enum_names: dict[int, str] = {}
        self.resolve: Callable[..., Any] | None = None  # None: the source's `attribute`
        # For sources of exactly `row_class` (a `RowNode` type), `attribute` computed
        # straight from their row by `row_read`, unless their `__dict__` holds it.
        self.row_class: type | None = None
        self.row_read: Callable[[Any], Any] | None = None
        self.args: dict[str, Any] = {}
        self.nodes: list[Any] = []
        # The resolve info's class and its members but the path, from the first one built.
        self.info_class: type | None = None
        self.info_head: tuple[Any, ...] | None = None
        self.info_tail: tuple[Any, ...] = ()
        self.return_type: Any = None
        self.item_type: Any = None
        self.is_list = self.item_non_null = False
        self.object_type: GraphQLObjectType | None = None
        self.sub_fields: Any = None  # the object type's grouped field set
        self.sub_plan: ObjectPlan | None = None  # its plan, made when first needed


class ObjectPlan:
    """The plans of the fields one grouped field set selects on one object type."""

    __slots__ = ("fields", "type_name")

    def __init__(self, parent_type: GraphQLObjectType, fields: list[FieldPlan]) -> None:
        self.type_name = parent_type.name
        self.fields = fields


def plan_object(executor: Any, parent_type: GraphQLObjectType, grouped_field_set: Any) -> ObjectPlan:
    """The plan of `grouped_field_set` on `parent_type` for `executor`'s request."""
    return ObjectPlan(
        parent_type, [_plan_field(executor, parent_type, name, details) for name, details in grouped_field_set.items()]
    )


def _plan_field(executor: Any, parent_type: GraphQLObjectType, name: str, details: Any) -> FieldPlan:
    node = details[0].node
    field_def = executor.schema.get_field(parent_type, node.name.value)
    if field_def is TypeNameMetaFieldDef:
        return FieldPlan(name, TYPENAME, parent_type, details)
    general = FieldPlan(name, GENERAL, parent_type, details)
    if field_def is None or parent_type.name.startswith("__"):
        return general
    plain = (field_def.extensions or {}).get(PLAIN_LEAF)
    if plain is not None:
        leaf = FieldPlan(name, LEAF, parent_type, details)
        leaf.leaf, leaf.attribute = plain, plain.attribute
        leaf.str_as_is = plain.type.coerce_output_value in _STR_AS_IS
        _plan_output(leaf, plain)
        _read_from_row(leaf, parent_type)
        return leaf
    return _plan_object_field(executor, FieldPlan(name, OBJECT, parent_type, details), field_def) or general


def _plan_output(plan: FieldPlan, plain: PlainLeaf) -> None:
    """The outputs a leaf's coercion gives its common values, worked out once: a Decimal
    scalar coerces with `str`; an enum type's members each coerce to one name (what its
    coercion answers for each member, asked here). Any other value is coerced per call."""
    coerce = plain.type.coerce_output_value
    if coerce is str:
        plan.str_of = Decimal
    members = getattr(plain.type, "wrapped_cls", None)  # a strawberry enum's Python enum
    if isinstance(members, type) and issubclass(members, Enum):
        try:
            names = {id(member): coerce(member) for member in members}
        except Exception:  # noqa: BLE001 - such a member is coerced (and refused) per call
            return
        if all(type(name) is str for name in names.values()):
            plan.enum_class, plan.enum_names = members, names


def _plan_object_field(executor: Any, plan: FieldPlan, field_def: Any) -> FieldPlan | None:
    """`plan` filled in for an object field that can run in the loop; None if it cannot."""
    details = plan.details
    if any(d.fragment_variable_values is not None for d in details) or any(
        directive.name.value == "stream" for d in details for directive in d.node.directives or ()
    ):
        return None
    nullable = field_def.type.of_type if isinstance(field_def.type, GraphQLNonNull) else field_def.type
    item = nullable
    if isinstance(nullable, GraphQLList):
        plan.is_list, item = True, nullable.of_type
        plan.item_type = item
        if isinstance(item, GraphQLNonNull):
            plan.item_non_null, item = True, item.of_type
    if not isinstance(item, GraphQLObjectType) or item.is_type_of is not None:
        return None
    args = _constant_arguments(executor, field_def, details[0])
    if args is None:
        return None
    grouped_field_set, new_defer_usages, _ = executor.collect_subfields(item, details)
    if new_defer_usages:
        return None
    plan.field_def, plan.return_type, plan.object_type, plan.args = field_def, field_def.type, item, args
    plan.nodes = [d.node for d in details]
    plan.sub_fields = grouped_field_set
    plan.resolve = field_def.resolve or executor.field_resolver
    attribute = _basic_attribute(field_def)
    if attribute is not None and not args:
        plan.resolve, plan.attribute = None, attribute
        _read_from_row(plan, plan.parent_type)
    return plan


def _read_from_row(plan: FieldPlan, parent_type: GraphQLObjectType) -> None:
    """Fills in `row_class` and `row_read` when the parent type's class shows the field
    from its row (`app.graphql.prefetch.nodes`): read there directly, the field costs no
    descriptor call and is not kept on the object, which is read once."""
    definition = (parent_type.extensions or {}).get("strawberry-definition")
    origin = getattr(definition, "origin", None)
    if isinstance(origin, type) and issubclass(origin, RowNode):
        plan.row_read = row_reader(origin, plan.attribute)
        plan.row_class = origin if plan.row_read is not None else None


def _constant_arguments(executor: Any, field_def: Any, first: Any) -> dict[str, Any] | None:
    """The field's coerced arguments, the same for every object in this request; None
    when they must be coerced per call (an error to report there, or a mutable value)."""
    if not (field_def.args or first.node.arguments):
        return {}
    try:
        args = get_argument_values(field_def, first.node, executor.variable_values, None, executor.hide_suggestions)
    except Exception:  # noqa: BLE001 - the general path reports it, for each object
        return None
    return args if all(isinstance(value, _IMMUTABLE_ARGUMENTS) for value in args.values()) else None


def _basic_attribute(field_def: Any) -> str | None:
    """The attribute a strawberry basic field (no resolver, no extension) reads with its
    default resolver `getattr`; None for any other field."""
    definition = (field_def.extensions or {}).get("strawberry-definition")
    if (
        definition is None
        or not definition.is_basic_field
        or definition.default_resolver is not getattr
        or not getattr(field_def.resolve, "_is_default", False)
        or getattr(field_def.resolve, "__name__", "") != "_get_basic_result"  # no exception handler around it
    ):
        return None
    return definition.python_name
