"""The schema extensions' hooks, wired once per extension class instead of per request.

Strawberry builds, for each of an operation's four phases (operation, parsing,
validation, execution), a context manager over every extension: it inspects each hook
and decorates it with `contextlib.contextmanager` anew, which copies the function's
metadata (`functools.update_wrapper`), 32 times per request for our eight extensions;
that was about a tenth of a trivial query's CPU time. Here the decorated hooks are kept
per (extension class, phase), and a phase enters them in the same order, on the same
exit stacks, with the same errors: only the wiring is done once.

`LeanExtensionsRunner` replaces strawberry's runner through `MetergraphSchema`
(`app.graphql.schema`); the hooks themselves, and every transport, are unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

# A hook made a context manager: called with the extension, gives the manager to enter.
HookManager = Callable[[SchemaExtension], Any]


@functools.cache
def _hook_of(extension_class: type, hook_name: str) -> tuple[HookManager, bool] | None:
    """(context manager factory, is async) of one class's hook; None when it has none.
    The same cases, in the same order, as strawberry's `ExtensionContextManagerBase`."""
    hook = getattr(extension_class, hook_name)
    if hook is getattr(SchemaExtension, hook_name):
        return None
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    if not callable(hook):
        raise ValueError(f"Hook {hook_name} on {extension_class} must be callable, received {hook!r}")
    if inspect.iscoroutinefunction(hook):

        @contextlib.asynccontextmanager
        async def awaited(extension: SchemaExtension) -> AsyncIterator[None]:
            await hook(extension)
            yield

        return awaited, True

    @contextlib.contextmanager
    def called(extension: SchemaExtension) -> Iterator[None]:
        hook(extension)
        yield

    return called, False


class _Phase(ExtensionContextManagerBase):
    """One phase's hooks; entered and exited by strawberry's own methods (the exit
    stacks), which call each `hook.hook()`, here bound to its extension."""

    def __init__(self, extensions: list[SchemaExtension]) -> None:
        self.hooks = []
        for extension in extensions:
            found = _hook_of(type(extension), self.HOOK_NAME)
            if found is not None:
                manager, is_async = found
                self.hooks.append(_BoundHook(extension, functools.partial(manager, extension), is_async))


class _BoundHook:
    __slots__ = ("extension", "hook", "is_async")

    def __init__(self, extension: SchemaExtension, hook: Callable[[], Any], is_async: bool) -> None:
        self.extension, self.hook, self.is_async = extension, hook, is_async


class _Operation(_Phase):
    HOOK_NAME = OperationContextManager.HOOK_NAME


class _Parsing(_Phase):
    HOOK_NAME = ParsingContextManager.HOOK_NAME


class _Validation(_Phase):
    HOOK_NAME = ValidationContextManager.HOOK_NAME


class _Executing(_Phase):
    HOOK_NAME = ExecutingContextManager.HOOK_NAME


class LeanExtensionsRunner(SchemaExtensionsRunner):
    """Strawberry's runner with the phases' hooks looked up once per extension class."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)  # type: ignore[return-value]

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)  # type: ignore[return-value]

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)  # type: ignore[return-value]

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)  # type: ignore[return-value]
