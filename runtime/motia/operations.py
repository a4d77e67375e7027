"""What a handler call starts on the app (emits, state writes, stream items), kept so none is lost.

Motia 1.x's module-level API (`enqueue`, `Stream(...)` handles, `stateManager`) is synchronous: step files
call `enqueue({...})` and `todos.set(...)` without `await`, in sync and async handlers alike. The classic
context API (`context.emit`, `context.state.*`, `context.streams.<name>.*`) is async and must be awaited.
Here every such call becomes an `Operation` recorded in the handler call's `Ledger`:

* awaited, it runs then (after any earlier operation of the call that has not run yet, so a call's
  operations happen in the order the code made them) and gives its result;
* called from a sync handler (which runs in a worker thread), a 1.x call runs on the app's event loop at
  once and the thread gets the value back, as in Motia;
* never awaited, it runs when the handler returns, before the call's result is acknowledged (the HTTP
  response is sent, the queue message settled). It failing fails the call. A classic call left
  un-awaited is also reported in the step's log, with where it was made: the code is wrong even though
  nothing was lost.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from motia.logging import Logger

T = TypeVar("T")

_UNSET: Any = object()


class Operation(Generic[T]):
    """One call a handler made; awaitable once or more, and run exactly once."""

    __slots__ = (
        "_error",
        "_factory",
        "_ledger",
        "_result",
        "_running",
        "awaited",
        "classic",
        "label",
        "site",
    )

    def __init__(
        self, ledger: Ledger, factory: Callable[[], Awaitable[T]], label: str, site: str, *, classic: bool
    ) -> None:
        self._ledger = ledger
        self._factory: Callable[[], Awaitable[T]] | None = factory
        self._running: asyncio.Future[None] | None = None
        self._result: T = _UNSET
        self._error: BaseException | None = None
        self.label = label
        self.site = site
        self.classic = classic
        self.awaited = False

    @property
    def started(self) -> bool:
        return self._running is not None

    @property
    def error(self) -> BaseException | None:
        return self._error

    def __await__(self) -> Generator[Any, None, T]:
        self.awaited = True
        return self._ledger.complete(self).__await__()

    def __repr__(self) -> str:
        state = "done" if self._running is not None and self._running.done() else "pending"
        return f"<{self.label}(...) {state}: await it, or call it from a sync handler for its value>"

    async def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        factory, self._factory = self._factory, None
        assert factory is not None  # a ledger starts each operation once
        running = self._running = loop.create_future()
        try:
            self._result = await factory()
        except BaseException as error:  # kept for whoever awaits it, or for `settle`
            self._error = error
            if isinstance(error, asyncio.CancelledError):
                raise
        finally:
            running.set_result(None)

    def _outcome(self) -> T:
        if self._error is not None:
            raise self._error
        return self._result


class Ledger:
    """The operations of one handler call, in the order they were made."""

    __slots__ = ("_loose", "_waiting", "logger", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop | None, logger: Logger) -> None:
        self.loop = loop  # None for a context made outside any loop (by hand, in a test) until it runs
        self.logger = logger
        self._waiting: deque[Operation[Any]] = deque()  # made, not started yet
        self._loose: dict[Operation[Any], None] = {}  # made and not (yet) awaited, in order

    def perform(
        self, factory: Callable[[], Awaitable[T]], label: str, *, classic: bool, depth: int = 2
    ) -> Any:
        """Record a call. A 1.x (non-classic) call made off the event loop's thread runs now and gives its
        value; otherwise the `Operation` is returned, to be awaited or left to `settle`."""
        operation: Operation[T] = Operation(self, factory, label, _site(depth + 1), classic=classic)
        self._waiting.append(operation)
        self._loose[operation] = None
        if not classic and not self._on_loop_thread():
            return self.wait(operation)
        return operation

    def wait(self, operation: Operation[T]) -> T:
        """From a worker thread: run `operation` on the loop and block until it is done."""
        operation.awaited = True
        self._loose.pop(operation, None)
        if self.loop is None:
            raise RuntimeError(f"{operation.label}() needs a running app; none is running in this process")
        return asyncio.run_coroutine_threadsafe(self.complete(operation), self.loop).result()

    async def complete(self, operation: Operation[T]) -> T:
        """Run every earlier operation not started yet, then `operation`; its result."""
        self._loose.pop(operation, None)
        loop = self._loop()
        while operation._running is None:
            await self._waiting.popleft()._run(loop)
        if not operation._running.done():
            await asyncio.shield(operation._running)  # another task is running it
        return operation._outcome()

    async def settle(self) -> None:
        """Run what the handler left un-awaited, in order; raise the first failure among them."""
        loop = self._loop()
        while self._waiting:
            await self._waiting.popleft()._run(loop)
        loose, self._loose = self._loose, {}
        failure: BaseException | None = None
        for operation in loose:
            if operation.classic:
                self.logger.warn(
                    f"{operation.label}(...) at {operation.site} was not awaited; it ran after the handler "
                    f"returned. Await it so its result and errors reach the handler"
                )
            if operation.error is not None and failure is None:
                failure = operation.error
        if failure is not None:
            raise failure

    def _loop(self) -> asyncio.AbstractEventLoop:
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        return self.loop

    def _on_loop_thread(self) -> bool:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self.loop is None:
            self.loop = running
        return running is self.loop


def _site(depth: int) -> str:
    """`file:line` of the step code that made the call, `depth` frames up."""
    try:
        frame = sys._getframe(depth)
    except ValueError:
        return "?"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class Tracked:
    """A store (`ctx.state`, one stream's items) seen from one handler call: its async methods record
    classic operations in the call's ledger instead of returning bare coroutines."""

    __slots__ = ("_label", "_ledger", "_target")

    def __init__(self, target: Any, ledger: Ledger, label: str) -> None:
        self._target = target
        self._ledger = ledger
        self._label = label

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not asyncio.iscoroutinefunction(value):
            return value
        ledger, label = self._ledger, f"{self._label}.{name}"

        def call(*args: Any, **kwargs: Any) -> Any:
            return ledger.perform(lambda: value(*args, **kwargs), label, classic=True)

        return call

    def __repr__(self) -> str:
        return repr(self._target)


class TrackedStreams:
    """`ctx.streams` seen from one handler call: each stream's items through `Tracked`."""

    __slots__ = ("_ledger", "_target")

    def __init__(self, target: Any, ledger: Ledger) -> None:
        self._target = target
        self._ledger = ledger

    def __getattr__(self, name: str) -> Any:
        return Tracked(getattr(self._target, name), self._ledger, f"ctx.streams.{name}")

    def __getitem__(self, name: str) -> Any:
        return Tracked(self._target[name], self._ledger, f"ctx.streams[{name!r}]")

    def __contains__(self, name: object) -> bool:
        return name in self._target

    def __iter__(self) -> Any:
        return iter(self._target)

    def __repr__(self) -> str:
        return repr(self._target)
