"""One read check for every field that yields entities, installed on the assembled schema.

`READS` names, per GraphQL entity type, the permission that reading one of them needs and
the item it is about. `install` wraps the resolver of EVERY field of the schema whose type
is an entity, a list of entities or a connection of entities (root reads, nested edges,
the events of a subscription), whatever resolver, DataLoader or prefetch produced the
value:

- one entity: its item is checked (`config:meter/item/<id>`); refused → FORBIDDEN;
- a list or a connection: the collection is checked as the root list does
  (`config:meter/item/*`, refused → FORBIDDEN), then items denied one by one are left out
  of the page. Cursors keep their positions and `totalCount` still counts every item.

Two kinds of field answer without this check: the entity a mutation's payload returns (a
write returns what it wrote to the principal allowed to write it, as it always has; what
lies below it, e.g. `createProduct { product { meters } }`, is checked like any read), and
fields answered without a principal, which belong to public root fields (accepting an
invitation answers the user who accepted). A new entity type must be added here;
`tests/graphql/test_permissions_enforced.py` fails until it is.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
)

from app.graphql.authorization import Authorize, resource_name
from app.graphql.pagination import Connection
from app.graphql.plain_leaves import is_sync
from app.services.errors import PermissionDenied

READ = "config:retrieve"
MEASUREMENTS = "measurements:retrieve"


@dataclass(frozen=True)
class ReadRule:
    action: str
    kind: str
    item: Callable[[Any], Any] | None = lambda entity: entity.id  # None: only the collection is known

    def resource(self, entity: Any) -> str:
        return resource_name(self.action, self.kind, self.item(entity) if self.item else None)


READS: dict[str, ReadRule] = {
    "OrganizationConfig": ReadRule(READ, "organization"),
    "Currency": ReadRule(READ, "currency"),
    "User": ReadRule(READ, "user"),
    "ServiceUser": ReadRule(READ, "serviceUser"),
    "AccessKey": ReadRule(READ, "accessKey"),
    "PermissionPolicy": ReadRule(READ, "permissionPolicy"),
    "Product": ReadRule(READ, "product"),
    "Meter": ReadRule(READ, "meter"),
    "Aggregation": ReadRule(READ, "aggregation"),
    "CompoundAggregation": ReadRule(READ, "compoundAggregation"),
    "PlanTemplate": ReadRule(READ, "planTemplate"),
    "Plan": ReadRule(READ, "plan"),
    "Pricing": ReadRule(READ, "pricing"),
    "Counter": ReadRule(READ, "counter"),
    "CounterPricing": ReadRule(READ, "counterPricing"),
    "CounterAdjustment": ReadRule(READ, "counterAdjustment"),
    "Account": ReadRule(READ, "account"),
    "AccountPlan": ReadRule(READ, "accountPlan"),
    "Commitment": ReadRule(READ, "commitment"),
    "Balance": ReadRule(READ, "balance"),
    "BalanceTransaction": ReadRule(READ, "balanceTransaction"),
    "TransactionType": ReadRule(READ, "transactionType"),
    "Charge": ReadRule(READ, "charge"),
    "PlanGroup": ReadRule(READ, "planGroup"),
    "PlanGroupLink": ReadRule(READ, "planGroupLink"),
    "Bill": ReadRule(READ, "bill"),
    # A line item is part of its bill: reading it is reading the bill.
    "LineItem": ReadRule(READ, "bill", lambda line: line.bill_id),
    "BillJob": ReadRule(READ, "billJob"),
    "ExportJob": ReadRule(READ, "exportJob"),
    # The organization's bill settings: reading them is reading bills (one per organization).
    "BillConfig": ReadRule(READ, "bill", None),
    # The event log (SEMANTICS §14.1): its own kind, so a policy can deny it alone.
    "Event": ReadRule(READ, "event"),
    "CreditReason": ReadRule(READ, "creditReason"),
    "DebitReason": ReadRule(READ, "debitReason"),
    "IngestBatch": ReadRule(MEASUREMENTS, "measurement"),
    "Measurement": ReadRule(MEASUREMENTS, "measurement", None),
    "WebhookDestination": ReadRule(READ, "webhookDestination"),
    # A delivery and its attempt log belong to their destination: reading them is reading it.
    "WebhookDelivery": ReadRule(READ, "webhookDestination", lambda delivery: delivery.destination_id),
    "WebhookAttempt": ReadRule(READ, "webhookDestination", lambda attempt: attempt.destination_id),
    # Workers serve every organization: administrators only (app/graphql/system.py).
    "Worker": ReadRule("users:manage", "system", None),
}
GUARD_MARK = "_metergraph_read_guard"


def is_page(type_: Any) -> bool:
    """A connection or its edge: their items are checked where the connection is produced."""
    return isinstance(type_, GraphQLObjectType) and (
        {"nodes", "edges"} <= set(type_.fields) or {"node", "cursor"} <= set(type_.fields)
    )


def entity_of(field_type: Any) -> tuple[ReadRule | None, str]:
    """(rule, shape) of a field type: shape is 'one', 'list' or 'page'."""
    named = get_named_type(field_type)
    unwrapped = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if named.name in READS:
        return READS[named.name], "list" if isinstance(unwrapped, GraphQLList) else "one"
    if is_page(named) and "nodes" in named.fields:
        node = get_named_type(named.fields["nodes"].type)
        if node.name in READS and not isinstance(unwrapped, GraphQLList):
            return READS[node.name], "page"
    return None, ""


def write_results(schema: GraphQLSchema) -> set[str]:
    """Names of the payload types mutations answer with (their entity is what was written)."""

    def returned(root: Any) -> set[str]:
        return {get_named_type(field.type).name for field in root.fields.values()} if root else set()

    # A type a read returns too is never exempt.
    return returned(schema.mutation_type) - returned(schema.query_type) - returned(schema.subscription_type)


def install(schema: GraphQLSchema) -> None:
    """Guard every entity-yielding field of `schema`; mark root single reads."""
    roots = {schema.query_type, schema.subscription_type}
    written = write_results(schema)
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__") or is_page(type_):
            continue
        if type_.name in written:
            continue
        for field in type_.fields.values():
            rule, shape = entity_of(field.type)
            if rule is None or getattr(field.resolve, GUARD_MARK, False):
                continue
            field.resolve = _guarded(field.resolve or default_field_resolver, rule, shape)
            if type_ in roots and shape == "one":
                _mark_single_read(field)


def _mark_single_read(field: Any) -> None:
    definition = (field.extensions or {}).get("strawberry-definition")
    for extension in getattr(definition, "extensions", ()):
        if isinstance(extension, Authorize):
            extension.single_read = True
            if extension.item_of is None:
                extension.item_of = _id_argument


def _id_argument(args: dict[str, Any]) -> Any:
    return args.get("id")


def _guarded(resolve: Callable[..., Any], rule: ReadRule, shape: str) -> Callable[..., Any]:
    shown = {"one": _shown_one, "list": _shown_list, "page": _shown_page}[shape]

    def guarded(source: Any, info: Any, **args: Any) -> Any:
        result = resolve(source, info, **args)
        # Most results are plain values (a page, a row node): known by their type at once.
        if not is_sync(result) and inspect.isawaitable(result):
            return _later(result, info, rule, shown)
        return shown(info, rule, result)

    setattr(guarded, GUARD_MARK, True)
    return guarded


async def _later(pending: Any, info: Any, rule: ReadRule, shown: Callable[..., Any]) -> Any:
    return shown(info, rule, await pending)


def _principal(info: Any) -> Any:
    return info.context.principal


def _shown_one(info: Any, rule: ReadRule, entity: Any) -> Any:
    principal = _principal(info)
    if entity is None or principal is None or principal.permissions.allows_everything:
        return entity
    if principal.permissions.allows_every_item(rule.action, resource_name(rule.action, rule.kind)):
        return entity
    resource = rule.resource(entity)
    if not principal.can(rule.action, resource):
        raise PermissionDenied(f"not permitted: {rule.action} on {resource}")
    return entity


def _item_filter(info: Any, rule: ReadRule) -> Callable[[Any], bool] | None:
    """None when every item may be shown; else which ones. Refuses a denied collection."""
    principal = info.context.principal  # `_principal`, inline: once per page of a read
    if principal is None or principal.permissions.allows_everything:
        return None
    collection = resource_name(rule.action, rule.kind)
    if principal.permissions.allows_every_item(rule.action, collection):
        return None
    if not principal.can(rule.action, collection):
        raise PermissionDenied(f"not permitted: {rule.action} on {collection}")
    if rule.item is None:
        return None
    return lambda entity: principal.can(rule.action, rule.resource(entity))


def _shown_list(info: Any, rule: ReadRule, entities: Any) -> Any:
    if entities is None:
        return None
    keep = _item_filter(info, rule)
    return entities if keep is None else [entity for entity in entities if keep(entity)]


def _shown_page(info: Any, rule: ReadRule, page: Any) -> Any:
    if page is None:
        return None
    keep = _item_filter(info, rule)
    return page if keep is None else VisiblePage(page, keep)


class VisiblePage(Connection):
    """A page without the items its reader may not see; cursors keep their positions, so
    paging on from `endCursor` neither skips nor repeats an item."""

    def __init__(self, page: Any, keep: Callable[[Any], bool]) -> None:
        self._page = page
        self._keep = keep
        self.nodes = [node for node in page.nodes if keep(node)]
        self._count = page._count

    @property  # type: ignore[override]
    def edges(self) -> list[Any]:
        return [edge for edge in self._page.edges if self._keep(edge.node)]

    @property  # type: ignore[override]
    def page_info(self) -> Any:
        return self._page.page_info
