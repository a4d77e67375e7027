"""Time limits for HTTP handlers: past `http_timeout` a request's handler is cancelled and answered 504.

One watchdog per app keeps the running requests in arrival order with their deadlines and one timer, armed
for the oldest. Every request has the same limit, so arrival order is deadline order: a check stops at the
first request still within its time. A per-request `asyncio.timeout` would cost a timer for every request,
which is most of a trivial route's time.
"""

from __future__ import annotations

import asyncio


class HandlerTimeout(Exception):
    """An HTTP handler (with its condition and middleware) ran past `http_timeout`: it was cancelled and
    the client gets 504, so a stuck handler never leaves a request hanging."""

    def __init__(self, step: str, seconds: float) -> None:
        super().__init__(f"step {step!r} took longer than {seconds:g} s and was cancelled")
        self.seconds = seconds


class Watchdog:
    """Cancels the tasks that stay between `enter` and `leave` longer than `seconds`."""

    __slots__ = ("_loop", "_running", "_timer", "expired", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._loop: asyncio.AbstractEventLoop | None = None  # the server's, once the first request came
        self._running: dict[asyncio.Task[object], float] = {}
        self._timer: asyncio.TimerHandle | None = None
        self.expired: set[asyncio.Task[object]] = set()  # cancelled by this watchdog, not yet left

    def enter(self) -> asyncio.Task[object]:
        loop = self._loop
        if loop is None or loop.is_closed():
            loop = self._loop = asyncio.get_running_loop()
        task = asyncio.current_task(loop)
        if task is None:
            raise RuntimeError("an HTTP handler runs in a task")
        deadline = loop.time() + self.seconds
        self._running[task] = deadline
        if self._timer is None:
            self._timer = loop.call_at(deadline, self._check)
        return task

    def leave(self, task: asyncio.Task[object]) -> None:
        self._running.pop(task, None)
        self.expired.discard(task)

    def _check(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        for task, deadline in self._running.items():
            if deadline > now:
                self._timer = loop.call_at(deadline, self._check)
                return
            if task not in self.expired:
                self.expired.add(task)
                task.cancel()
