"""What a handler call starts on the app (emits, state writes, stream items), kept so none is lost.

Motia 1.x's module-level API (`enqueue`, `Stream(...)` handles, `stateManager`) is synchronous: step files
call `enqueue({...})` and `item = todos.get(...)` without `await`, in sync and async handlers alike. The
classic context API (`context.emit`, `context.state.*`, `context.streams.<name>.*`) is async and must be
awaited. Every such call becomes an `Operation` in the handler call's `Ledger`, and:

* a 1.x call not awaited runs at once and gives its value, as in Motia: from a sync handler (a worker
  thread) by waiting for the event loop, on the loop by running right there (the stores answer without
  waiting on anything; see `Ledger.run_now`);
* an awaited call (1.x or classic) runs when awaited, after any earlier call of the handler that has not
  run yet, so a handler's calls happen in the order it made them;
* a classic call never awaited runs when the handler returns, before its result is acknowledged (the HTTP
  response sent, the queue message settled), and is reported in the step's log with where it was made:
  nothing is lost, but the code is wrong (`motia validate` says so too, MG233).

A call failing where nobody awaits it fails the handler call.
"""

from __future__ import annotations

import asyncio
import bisect
import dis
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from types import CodeType, FrameType
from typing import Any, Generic, TypeVar

from motia.logging import Logger

T = TypeVar("T")

_UNSET: Any = object()


class Operation(Generic[T]):
    """One call a handler made; awaitable once or more, and run exactly once."""

    __slots__ = (
        "_error",
        "_factory",
        "_file",
        "_ledger",
        "_line",
        "_result",
        "_running",
        "awaited",
        "classic",
        "label",
    )

    def __init__(
        self,
        ledger: Ledger,
        factory: Callable[[], Awaitable[T]],
        label: str,
        frame: FrameType,
        *,
        classic: bool,
    ) -> None:
        self._ledger = ledger
        self._factory: Callable[[], Awaitable[T]] | None = factory
        self._running: asyncio.Future[None] | None = None
        self._result: T = _UNSET
        self._error: BaseException | None = None
        self.label = label
        # Where the call was made, kept raw: it is written out only for a report (see `site`).
        self._file, self._line = frame.f_code.co_filename, frame.f_lineno
        self.classic = classic
        self.awaited = False

    @property
    def site(self) -> str:
        """`file:line` of the step code that made the call."""
        return f"{self._file}:{self._line}"

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

    __slots__ = ("_loose", "_tasks", "_waiting", "logger", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop | None, logger: Logger) -> None:
        self.loop = loop  # None for a context made outside any loop (by hand, in a test) until it runs
        self.logger = logger
        self._waiting: deque[Operation[Any]] = deque()  # made, not started yet
        self._loose: dict[Operation[Any], None] = {}  # made and not (yet) awaited, in order
        self._tasks: list[asyncio.Task[Any]] = []  # calls that had to wait while run at once

    def perform(
        self, factory: Callable[[], Awaitable[T]], label: str, *, classic: bool, depth: int = 2
    ) -> Any:
        """Record a call made by the code `depth` frames up. A classic call gives its `Operation`, to be
        awaited or left to `settle`. A 1.x call gives its value, as in Motia: off the event loop's thread
        (a sync handler) by waiting for the loop, on it by running at once; unless the caller awaits it
        (`await todos.get(...)`), when it gives the `Operation` to await."""
        frame = sys._getframe(depth)
        operation: Operation[T] = Operation(self, factory, label, frame, classic=classic)
        self._waiting.append(operation)
        self._loose[operation] = None
        if classic:
            return operation
        if not self._on_loop_thread():
            return self.wait(operation)
        if _awaited(frame):
            return operation
        return self.run_now(operation)

    def wait(self, operation: Operation[T]) -> T:
        """From a worker thread: run `operation` on the loop and block until it is done."""
        operation.awaited = True
        self._loose.pop(operation, None)
        if self.loop is None:
            raise RuntimeError(f"{operation.label}() needs a running app; none is running in this process")
        return asyncio.run_coroutine_threadsafe(self.complete(operation), self.loop).result()

    def run_now(self, operation: Operation[T]) -> Any:
        """On the loop's thread, for a caller that does not await: run `operation` (and what the call made
        before it) to its end right here, as Motia's synchronous calls do. The stores answer without
        waiting on anything, so this never blocks; should a step of it have to wait after all, it goes on
        as a task that `settle` waits for, and the caller gets the `Operation`."""
        work = self.complete(operation)
        try:
            waiting_on = work.send(None)
        except StopIteration as done:
            operation.awaited = True
            result: Any = done.value
            return result
        self._loose[operation] = None  # the caller never awaits it: settle reports its failure
        self._tasks.append(self._loop().create_task(_resume(work, waiting_on)))
        return operation

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
        if self._tasks:
            await asyncio.wait(self._tasks)
            for task in self._tasks:  # its failure is its operation's, reported below
                if not task.cancelled():
                    task.exception()
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


_INSTRUCTIONS: dict[CodeType, tuple[list[int], frozenset[int]]] = {}


def _awaited(frame: FrameType) -> bool:
    """Whether the call `frame` is making has its result awaited: the instruction after the call is
    `GET_AWAITABLE`, as in `await todos.get(...)`. Read from the code's own instructions (once per code
    object); `f_lasti` is somewhere in the call instruction or its inline caches, so the next instruction
    is the first one that starts after it."""
    code = frame.f_code
    known = _INSTRUCTIONS.get(code)
    if known is None:
        instructions = list(dis.get_instructions(code))
        offsets = [instruction.offset for instruction in instructions]
        awaits = frozenset(i.offset for i in instructions if i.opname == "GET_AWAITABLE")
        known = _INSTRUCTIONS[code] = (offsets, awaits)
    offsets, awaits = known
    following = bisect.bisect_right(offsets, frame.f_lasti)
    return following < len(offsets) and offsets[following] in awaits


async def _resume(work: Coroutine[Any, Any, Any], waiting_on: Any) -> Any:
    """Drive a coroutine that was started by hand and stopped to wait on `waiting_on` (a future, or None
    for a bare yield), the way a task would."""
    while True:
        try:
            if waiting_on is None:
                await asyncio.sleep(0)
            else:
                waiting_on._asyncio_future_blocking = False
                await asyncio.wait({waiting_on})
        except asyncio.CancelledError:
            work.close()
            raise
        try:
            waiting_on = work.send(None)
        except StopIteration as done:
            return done.value


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
