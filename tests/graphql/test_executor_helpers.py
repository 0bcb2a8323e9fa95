"""The resolvers' async helpers without a reference cycle (app.graphql.executor_helpers):
a request's context is freed when its execution ends, and the helpers still gather and
track work, during the execution and after it."""

from __future__ import annotations

import asyncio
import gc
import weakref

import strawberry
from graphql import GraphQLResolveInfo
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from app.graphql.compiled_execution import CompiledExecutionContext
from app.graphql.schema import schema as served

KEPT: list[GraphQLResolveInfo] = []  # infos a resolver let outlive its execution
SETTLED: list[str] = []


async def _value(name: str) -> str:
    await asyncio.sleep(0)
    SETTLED.append(name)
    return name


@strawberry.type
class Query:
    @strawberry.field
    async def both(self, info: Info) -> list[str]:
        return await info._raw_info.async_helpers.gather([_value("a"), _value("b")])

    @strawberry.field
    def tracked(self, info: Info) -> str:
        info._raw_info.async_helpers.track([_value("tracked"), "not awaitable"])
        KEPT.append(info._raw_info)
        return "ok"


class RequestContext:
    """Stands for the request's context (its loaders hold what the request read)."""


def _schema(execution_context_class: type) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=execution_context_class)


async def _context_outlives_execution(execution_context_class: type) -> bool:
    context = RequestContext()
    alive = weakref.ref(context)
    result = await _schema(execution_context_class).execute("{ both }", context_value=context)
    assert result.errors is None and result.data == {"both": ["a", "b"]}
    del context, result
    return alive() is not None


async def test_the_context_is_freed_when_the_execution_ends():
    gc.disable()  # only reference counting may free it
    try:
        assert not await _context_outlives_execution(CompiledExecutionContext)
        assert await _context_outlives_execution(StrawberryGraphQLCoreExecutionContext)  # the cycle, without
    finally:
        gc.enable()


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_work_is_tracked_during_the_execution():
    SETTLED.clear()
    result = await _schema(CompiledExecutionContext).execute("{ tracked }")
    assert result.data == {"tracked": "ok"} and result.errors is None
    await _settle()
    assert SETTLED == ["tracked"]


async def test_helpers_kept_past_the_execution_still_track_and_gather():
    SETTLED.clear()
    KEPT.clear()
    assert (await _schema(CompiledExecutionContext).execute("{ tracked }")).errors is None
    await _settle()
    gc.collect()
    helpers = KEPT.pop().async_helpers
    executor = next(c.cell_contents for c in helpers.track.__closure__ if isinstance(c.cell_contents, weakref.ref))
    assert executor() is None  # gone: the helpers answer on their own
    helpers.track([_value("late"), 3])
    await _settle()
    assert SETTLED == ["tracked", "late"]
    assert await helpers.gather([_value("x"), _value("y")]) == ["x", "y"]


def test_the_served_schema_uses_them():
    assert served.execution_context_class is CompiledExecutionContext


async def test_the_api_collects_young_objects_less_often_while_it_serves(app):
    """What requests make they free when they end: the served app's young generation is
    collected every YOUNG_THRESHOLD net allocations, not CPython's 700."""
    from app.gc_tuning import YOUNG_THRESHOLD

    assert gc.get_threshold()[0] == YOUNG_THRESHOLD > 700
