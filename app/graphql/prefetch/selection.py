"""Reading a query's selection below a field: fragments flattened, @skip and @include
honoured, connections seen through to their nodes."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.types.nodes import SelectedField, Selection


def fields(selections: list[Selection]) -> list[SelectedField]:
    """The fields of a selection, fragments flattened, @skip / @include honoured."""
    found: list[SelectedField] = []
    for selection in selections:
        if not _included(selection.directives):
            continue
        if isinstance(selection, SelectedField):
            found.append(selection)
        else:
            found.extend(fields(selection.selections))
    return found


def by_name(selections: list[Selection]) -> dict[str, list[SelectedField]]:
    """The fields of a selection by name: aliases of one field together."""
    grouped: dict[str, list[SelectedField]] = defaultdict(list)
    for field in fields(selections):
        grouped[field.name].append(field)
    return grouped


def node_selections(selections: list[Selection]) -> list[Selection]:
    """What a connection's selection asks of each node: `nodes { … }` and `edges { node { … } }`."""
    connection = fields(selections)
    nodes = [s for f in connection if f.name == "nodes" for s in f.selections]
    edges = fields([s for f in connection if f.name == "edges" for s in f.selections])
    return nodes + [s for f in edges if f.name == "node" for s in f.selections]


def node_offsets(selections: list[Selection]) -> frozenset[int]:
    """How many response-path elements a connection's selection puts between the connection
    and its nodes: 2 for `nodes.i`, 3 for `edges.i.node`."""
    names = {f.name for f in fields(selections)}
    return frozenset(offset for name, offset in (("nodes", 2), ("edges", 3)) if name in names)


def below(field: SelectedField) -> int:
    """Response-path elements under `field`, counting one more for every field with a
    selection (it may be a list, whose items add an index): an upper bound, no type needed."""
    return max(((2 if f.selections else 1) + below(f) for f in fields(field.selections)), default=0)


def _included(directives: dict[str, dict[str, Any]]) -> bool:
    return directives.get("skip", {}).get("if") is not True and directives.get("include", {}).get("if") is not False
