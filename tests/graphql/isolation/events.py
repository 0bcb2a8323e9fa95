"""The event log across tenants (SEMANTICS §14.1): B lists only its own events, by any
filter; naming one of A's entities finds nothing; the type catalogue is the same for both.

A's world was built through the API, so A has events about its product, accounts, bill and
bill job; B has the events of its own setup only."""

from __future__ import annotations

import uuid

from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import World

EVENTS = "events(first: 100{args}) {{ totalCount nodes {{ id type entityId payload }} }}"


def _is_id(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _query(flt: str) -> str:
    return "{ " + EVENTS.format(args=f", filter: {{{flt}}}" if flt else "") + " }"


async def q_events(w: World) -> None:
    a_product = w.a_has["product"]["id"]
    a_seen = (await w.as_a(_query(f'entityId: "{a_product}"')))["events"]
    assert a_seen["totalCount"] >= 1 and {n["entityId"] for n in a_seen["nodes"]} == {a_product}
    # A's ids (UUIDs): none may show in anything B lists.
    mine = [v for k, v in w.ids.items() if not k.startswith("b_")]  # the check's own B ids are "b_…"
    a_ids = {v for v in [*mine, *(e["id"] for e in w.a_has.values())] if _is_id(v)}
    filters = [
        "",
        f'entityId: "{a_product}"',
        f'entityId: "{w.ids["a_bill"]}"',
        'types: ["configuration.product.created"]',
        'types: ["billing.*", "configuration.*"]',
        'from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z"',
    ]
    for flt in filters:
        listed = (await w.as_b(_query(flt)))["events"]
        shown = repr(listed)
        assert not [i for i in a_ids if i in shown], (flt, listed)
        a_event_ids = {n["id"] for n in (await w.as_a(_query(flt)))["events"]["nodes"]}
        assert not a_event_ids & {n["id"] for n in listed["nodes"]}, flt


async def q_event_types(w: World) -> None:
    assert (await w.as_b("{ eventTypes }")) == (await w.as_a("{ eventTypes }"))


def generated() -> dict[str, dict[str, Check]]:
    return {"Query": {"events": q_events, "eventTypes": q_event_types}}
