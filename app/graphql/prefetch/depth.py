"""Where the synchronous completion of rows loaded ahead hands over to a coroutine.

A value a resolver returns is completed synchronously by recursion: graphql-core's general
execution takes about five Python frames per element of the response path
(`products.nodes.3.meters...`), the compiled execution (`app.graphql.compiled_execution`)
one or two. CPython
3.11 keeps frames on a data stack of 16 KiB chunks and unmaps a chunk the moment it
empties, so a recursion that goes back and forth across a chunk's edge maps and unmaps it
each time: on the catalog benchmark, once every prefetched field answered synchronously,
1,400 mmap/munmap pairs and 6,000 page faults per query, 40 ms of system time, a quarter
of the request. A value awaited is completed in a coroutine, whose frames live off the
data stack: the depth starts again from there. So the walk makes a connection field hand
its value over through a coroutine where the synchronous depth below it would pass
`SYNC_PATH_LIMIT`, the highest such field on each path (the fewest objects: 20 products'
meters rather than 1,000 aggregations' pricings). Measured: back to 20 page faults a query.
"""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types.nodes import SelectedField

from app.graphql.prefetch.selection import below

# Path elements one synchronous completion may span, under 16 KiB with room for the event
# loop's and the resolvers' frames. graphql-core's ~5 frames of ~250 bytes an element
# measured to thrash at 14 elements, not at 9 (about 11 KiB); the compiled execution's
# frames take at most ~470 bytes an element (`_run`, `_object_field`, `_list`: 712 bytes
# for a list field and its index), so 20 elements stay under that. The catalog benchmark
# (15 deep) then completes without handing over: 300 coroutines and tasks less a query,
# and still ~40 page faults a query.
SYNC_PATH_LIMIT = 20


@dataclass(frozen=True)
class Depth:
    """Where a level's rows sit in the response."""

    nodes: frozenset[int]  # path lengths of their objects (`nodes.i` or `edges.i.node`)
    base: int  # path length at which the current synchronous completion started

    def field(self) -> frozenset[int]:
        """Path lengths of a field of these objects."""
        return frozenset(n + 1 for n in self.nodes)

    def under(self, offsets: frozenset[int] | None, handed_over: bool) -> Depth:
        """The depth of the rows of a relation field of these objects: a connection's nodes
        `offsets` further (`selection.node_offsets`), else (None) the field's own object."""
        at = self.field()
        nodes = frozenset(p + offset for p in at for offset in offsets) if offsets is not None else at
        return Depth(nodes, min(at) if handed_over else self.base)

    def needs_handover(self, fields: list[SelectedField]) -> bool:
        """Whether a relation field of these objects must complete in a coroutine."""
        return max(self.field()) - self.base + max(map(below, fields)) > SYNC_PATH_LIMIT


def root(offsets: frozenset[int] | None) -> Depth:
    """The depth of a root field's rows (a connection's nodes `offsets` below it): its value
    is completed in a coroutine of graphql-core's, as root resolvers await."""
    field = 1  # the root field's path: its response key alone
    return Depth(frozenset(field + offset for offset in offsets) if offsets is not None else frozenset({field}), 0)
