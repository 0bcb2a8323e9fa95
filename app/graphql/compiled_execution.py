"""GraphQL execution through per-request plans: each object's fields run in one loop, and
a list of objects in another, instead of graphql-core's chain of calls per field.

For every object graphql-core runs about eight calls (completion down the non-null and
list wrappers, `complete_object_value`, the collection of its sub-fields, the
incremental executor's dispatch, `execute_fields`), and for every field a path entry, a
resolve info and its arguments' coercion. A catalog read completes some 6,400 objects
and 13,000 fields: that chain was most of its CPU time. Here what does not depend on
the object is decided once per selection (`app.graphql.execution_plans`) and the loops
below do the rest.

The answers are graphql-core's: the same resolvers get the same arguments and an
equivalent resolve info (same path, nodes, types); errors are located and nulls
propagate at the same places (each field and each list item handles its error as
`execute_field` and `complete_list_item_value` do). Whatever is unusual for a field or
an item — an awaitable, null, an exception as a value, something other than a list,
`@defer` (a delivery group), a schema middleware — goes to graphql-core's own method for
that field or item, from the same point, so it behaves exactly as before.

A value counts as plain (not awaitable, not an exception) by its type
(`app.graphql.plain_leaves.is_sync`).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, Undefined
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.graphql.execution_plans import LEAF, OBJECT, TYPENAME, FieldPlan, ObjectPlan, plan_object
from app.graphql.executor_helpers import weak_helpers
from app.graphql.plain_leaves import SYNC_TYPES, UNUSUAL, is_sync, leaf_value

_tuple_new = tuple.__new__  # a Path built as its named tuple's `__new__` would, without its Python frame


class CompiledExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with objects completed through plans."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A middleware (a schema extension with `resolve`) must see every field.
        manager = self.middleware_manager
        self._compiled = manager is None or not manager.middlewares
        self._plans: dict[int, tuple[Any, GraphQLObjectType, ObjectPlan]] = {}
        self.async_helpers = weak_helpers(self)  # no cycle: the request's objects die with it

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if position_context is not None or not self._compiled:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        return self._run(self._plan(parent_type, grouped_field_set), source_value, path)

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> ObjectPlan:
        # Keyed by identity, as graphql-core memoizes collected fields: the entry keeps the
        # field set alive, so its id is not reused during the request.
        held = self._plans.get(id(grouped_field_set))
        if held is not None and held[0] is grouped_field_set and held[1] is parent_type:
            return held[2]
        plan = plan_object(self, parent_type, grouped_field_set)
        self._plans[id(grouped_field_set)] = (grouped_field_set, parent_type, plan)
        return plan

    def _sub_plan(self, field: FieldPlan) -> ObjectPlan:
        plan = field.sub_plan
        if plan is None:
            plan = field.sub_plan = self._plan(field.object_type, field.sub_fields)  # type: ignore[arg-type]
        return plan

    def _run(self, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
        """`execute_fields` through the plan: the object's fields in the query's order."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        type_name = plan.type_name
        try:
            for field in plan.fields:
                kind, name = field.kind, field.name
                if kind is LEAF:
                    try:
                        if type(source) is field.row_class and field.attribute not in source.__dict__:
                            value = field.row_read(source._row)  # type: ignore[misc]
                        else:
                            value = getattr(source, field.attribute)
                    except Exception:  # noqa: BLE001 - the general path reads it again and reports it
                        value = UNUSUAL
                    else:
                        # The outputs worked out when planning (`execution_plans`), else
                        # the leaf type's coercion.
                        value_type = type(value)
                        if value_type is str and field.str_as_is:
                            results[name] = value
                            continue
                        if value_type is field.str_of:
                            results[name] = str(value)
                            continue
                        if value_type is field.enum_class:
                            results[name] = field.enum_names[id(value)]
                            continue
                        value = leaf_value(field.leaf, value)  # type: ignore[arg-type]
                    if value is not UNUSUAL:
                        results[name] = value
                        continue
                elif kind is TYPENAME:
                    results[name] = type_name
                    continue
                if kind is OBJECT:
                    value = self._object_field(field, source, _tuple_new(Path, (path, name, type_name)))
                else:  # the general path, or a leaf the inline read could not answer
                    value = self.execute_field(
                        field.parent_type, source, field.details, _tuple_new(Path, (path, name, type_name)), None
                    )
                if value is Undefined:
                    continue
                results[name] = value
                if type(value) not in SYNC_TYPES and not is_sync(value) and self.is_awaitable(value):
                    pending.append(name)
        except Exception:
            if pending:  # the other fields' awaitables may fail too: settle them
                self.settle_in_background([results[name] for name in pending])
            raise
        if not pending:
            return results
        return self._fields_later(results, pending)

    async def _fields_later(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
        else:
            results.update(zip(pending, await gather_with_cancel(*(results[n] for n in pending)), strict=True))
        return results

    def _info(self, field: FieldPlan, path: Path) -> Any:
        """`build_resolve_info` of the field at `path`: the plan holds the rest of it."""
        head = field.info_head
        if head is None:
            info = self.build_resolve_info(field.field_def, field.nodes, field.parent_type, path)
            at = info._fields.index("path")
            field.info_class, field.info_head, field.info_tail = type(info), info[:at], info[at + 1 :]
            return info
        return _tuple_new(field.info_class, (*head, path, *field.info_tail))

    def _object_field(self, field: FieldPlan, source: Any, path: Path) -> Any:
        """`execute_field` for a field of object type (or list of objects)."""
        info = None
        try:
            resolve = field.resolve
            if resolve is None:
                if type(source) is field.row_class and field.attribute not in source.__dict__:
                    result = field.row_read(source._row)  # type: ignore[misc]
                else:
                    result = getattr(source, field.attribute)
            else:
                info = self._info(field, path)
                result = resolve(source, info, **field.args)
            kind = type(result)
            if kind not in SYNC_TYPES and not is_sync(result):
                if self.is_awaitable(result):
                    return self.complete_awaitable_value(
                        field.return_type, field.details, info or self._info(field, path), path, result, None
                    )
                completed = self.complete_value(  # an exception: raised there
                    field.return_type, field.details, info or self._info(field, path), path, result, None
                )
            elif result is None or result is Undefined or field.is_list != (kind is list):
                # Null, or a list expected and something else found (or the reverse):
                # graphql-core's completion answers it.
                completed = self.complete_value(
                    field.return_type, field.details, info or self._info(field, path), path, result, None
                )
            elif field.is_list:
                completed = self._list(field, info, path, result)
            else:
                completed = self._run(field.sub_plan or self._sub_plan(field), result, path)
            if type(completed) not in SYNC_TYPES and not is_sync(completed) and self.is_awaitable(completed):
                return self._later(completed, field.return_type, field, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.return_type, field.details, path)
            return None
        return completed

    async def _later(self, pending: Any, type_: Any, field: FieldPlan, path: Path) -> Any:
        """A field's or an item's completion awaited, its error handled at its path."""
        try:
            return await pending
        except Exception as raw_error:
            self.handle_field_error(raw_error, type_, field.details, path)
            return None

    def _list(self, field: FieldPlan, info: Any, path: Path, items: list[Any]) -> Any:
        """`complete_iterable_value` for a list of objects: each item through the plan."""
        plan = self._sub_plan(field)
        completed: list[Any] = []
        pending: list[int] = []
        index = 0
        try:
            for index, item in enumerate(items):
                item_path = _tuple_new(Path, (path, index, None))
                if item is None or item is Undefined or (type(item) not in SYNC_TYPES and not is_sync(item)):
                    info = info or self._info(field, path)
                    if self._general_item(field, info, item, item_path, completed):
                        pending.append(index)
                    continue
                try:
                    value = self._run(plan, item, item_path)
                    if type(value) is not dict:  # awaitable: awaited with the list
                        value = self._later(value, field.item_type, field, item_path)
                        pending.append(index)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, field.item_type, field.details, item_path)
                    value = None
                completed.append(value)
        except Exception:
            awaitables = [completed[i] for i in pending]
            awaitables.extend(item for item in items[index + 1 :] if self.is_awaitable(item))
            if awaitables:
                self.settle_in_background(awaitables)
            raise
        if not pending:
            return completed
        return self._items_later(completed, pending)

    def _general_item(self, field: FieldPlan, info: Any, item: Any, item_path: Path, completed: list[Any]) -> bool:
        """graphql-core's completion of one item (null, awaitable, an exception); True
        when what it appended is to be awaited."""
        if self.is_awaitable(item):
            completed.append(
                self.complete_awaitable_list_item_value(item, field.item_type, field.details, info, item_path, None)
            )
            return True
        return self.complete_list_item_value(item, completed, field.item_type, field.details, info, item_path, None)

    async def _items_later(self, completed: list[Any], pending: list[int]) -> list[Any]:
        if len(pending) == 1:
            completed[pending[0]] = await completed[pending[0]]
        else:
            for index, value in zip(pending, await gather_with_cancel(*(completed[i] for i in pending)), strict=True):
                completed[index] = value
        return completed
