"""The resolvers' async helpers (`info.async_helpers`) without a reference cycle.

graphql-core's executor keeps `GraphQLResolveInfoHelpers` of its own bound methods, a
cycle (executor → helpers → bound method → executor): no executor is freed when its
request ends, and with it the request's context, whose loaders hold every row read. On
the catalog benchmark that was ~14,000 objects a query (9,600 driver UUIDs, 2,200 rows,
their lists) left for the cyclic collector, which reached them only in full collections.
Here the helpers reach the executor through a weak reference: what a request read is
freed when the request ends.

While the executor runs, the helpers behave as graphql-core's. A resolver's background
task may call them after the executor is gone (nothing holds it any longer): `gather`
does what the executor's would (it never used the executor), and `track` settles the
awaitables in the background the way the executor does, held by this module until done.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql import GraphQLResolveInfoHelpers
from graphql.pyutils import gather_with_cancel
from strawberry.execution.is_awaitable import optimized_is_awaitable

_SETTLING: set[asyncio.Future[Any]] = set()  # background work of executors already freed


def weak_helpers(executor: Any) -> GraphQLResolveInfoHelpers:
    """`executor`'s helpers, holding it weakly."""
    ref = weakref.ref(executor)

    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        alive = ref()
        return alive.gather_async_work(values) if alive is not None else gather_with_cancel(*values)

    def track(values: Sequence[Any]) -> None:
        alive = ref()
        if alive is not None:
            alive.track_async_work(values)
            return
        awaitables = [value for value in values if optimized_is_awaitable(value)]
        if awaitables:
            future = asyncio.gather(*awaitables, return_exceptions=True)
            _SETTLING.add(future)
            future.add_done_callback(_SETTLING.discard)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)
