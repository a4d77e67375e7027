"""An in-process harness for testing a Motia app: HTTP requests, events, state, logs and dead letters,
with no server and no ports.

    from motia.testing import TestApp
    from dist.dispatch import APP                # or motia.load_dispatch("dist")

    async def test_creating_an_order_notifies_the_customer() -> None:
        async with TestApp(APP) as app:
            response = await app.request("POST", "/orders", json={"item": "book", "qty": 1})
            assert response.status_code == 201
            await app.wait_idle()                # every event the request caused is handled
            assert await app.state.get("orders", response.json()["id"]) is not None
            assert any(line["msg"] == "Notified customer" for line in app.logs)

`TestApp(spec, backend=None)` runs the app exactly as `motia start` would: the same `Runtime` and ASGI
app, called through httpx's ASGI transport. Without a backend it keeps everything in memory, fresh for
each `async with`. The cron scheduler is off (`cron=True` turns it on); run a cron step by hand with
`await app.run_cron("StepName")`. A `motia.clock.ManualClock` passed as `clock` drives queue delays and
retries without waiting.

* `await app.request(method, path, json=..., content=..., headers=..., params=...)` → `httpx.Response`
  (also `app.get`, `app.post`, `app.put`, `app.patch`, `app.delete`);
* `await app.emit(topic, data)` enqueues an event as `POST /emit` would; `await app.wait_idle()` waits
  until every queued message is handled or dead-lettered (retries included, so give handlers that keep
  failing a `ManualClock`);
* `app.state` and `app.streams` are what handlers see as `ctx.state` and `ctx.streams`;
* `app.logs` is every log line written since the app started, each a dict (`{"level", "msg", ...}` plus
  the bound `step`, `trace_id` and `flows`);
* `await app.dead_letters()` lists messages that failed for good, with their reasons;
* `async with app.stream_client(query={"token": ...}) as client:` connects a stream client to the app's
  WebSocket endpoint in process (`client.join(stream, group)` returns the `sync`, `client.receive()` the
  next message; see `motia.testing.streams`).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from motia.clock import Clock
from motia.logging import LOGGER_NAME
from motia.runtime import Runtime
from motia.spec import AppSpec
from motia.state_manager import BackendState
from motia.storage.backend import Backend, DeadLetter
from motia.storage.memory import MemoryBackend
from motia.streams.store import Streams
from motia.testing.streams import StreamClient, StreamClosed, open_stream_client
from motia.web.app import HttpApp

if TYPE_CHECKING:
    import httpx

__all__ = ["StreamClient", "StreamClosed", "TestApp"]

BASE_URL = "http://testserver"
_FIELDS = "motia_fields"
_LEVELS = {logging.WARNING: "warn"}


def _label(record: logging.LogRecord) -> str:
    return _LEVELS.get(record.levelno) or record.levelname.lower()


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        fields = getattr(record, _FIELDS, None)  # structured records carry their fields
        line: Any = None
        if isinstance(fields, Mapping):
            line = {"level": _label(record), "msg": message, **fields}
        else:
            with contextlib.suppress(ValueError):
                line = json.loads(message)  # or write them as one JSON line
        if not isinstance(line, dict):
            line = {"level": _label(record), "msg": message}
        if record.name != LOGGER_NAME:
            line.setdefault("logger", record.name)
        if record.exc_info and record.exc_info[1] is not None:
            line.setdefault("error", repr(record.exc_info[1]))
        self.lines.append(line)


class TestApp:
    """The app of `spec` running in this process; see the module docstring."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(
        self,
        spec: AppSpec,
        backend: Backend | None = None,
        *,
        clock: Clock | None = None,
        cron: bool = False,
        base_url: str = BASE_URL,
    ) -> None:
        self.spec = spec
        self._backend = backend
        self._clock = clock
        self._cron = cron
        self._base_url = base_url
        self._runtime: Runtime | None = None
        self._client: httpx.AsyncClient | None = None
        self._capture = _Capture()
        self._logger = logging.getLogger(LOGGER_NAME)
        self._level = logging.NOTSET

    async def __aenter__(self) -> TestApp:
        try:
            import httpx  # noqa: PLC0415 (a test dependency; `import motia` must not need it)
        except ImportError:
            raise ImportError("motia.testing.TestApp needs httpx: pip install 'motia-gen[testing]'") from None

        backend = self._backend if self._backend is not None else MemoryBackend()
        runtime = Runtime(self.spec, backend, clock=self._clock, cron=self._cron)
        self._level = self._logger.level
        self._logger.setLevel(logging.DEBUG)
        self._logger.addHandler(self._capture)
        self._runtime = runtime
        self.http = HttpApp(runtime, lifespan=False, emit=True)  # in process: no network to expose it to
        await runtime.start()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.http), base_url=self._base_url
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        try:
            if self._client is not None:
                await self._client.aclose()
            if self._runtime is not None:
                await self._runtime.stop()
                if self._backend is None:
                    await self._runtime.backend.close()
        finally:
            self._logger.removeHandler(self._capture)
            self._logger.setLevel(self._level)
            self._client = None

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("the test app is not running; use `async with TestApp(spec) as app:`")
        return self._runtime

    # -- HTTP
    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str | list[str]] | None = None,
    ) -> httpx.Response:
        """Send one request to the app (`json` is encoded as JSON; `content` is sent as it is)."""
        if self._client is None:
            raise RuntimeError("the test app is not running; use `async with TestApp(spec) as app:`")
        return await self._client.request(
            method, path, json=json, content=content, headers=headers, params=params
        )

    async def get(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("GET", path, **options)

    async def post(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("POST", path, **options)

    async def put(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("PUT", path, **options)

    async def patch(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("PATCH", path, **options)

    async def delete(self, path: str, **options: Any) -> httpx.Response:
        return await self.request("DELETE", path, **options)

    # -- events, cron, stores
    async def emit(
        self, topic: str, data: Any, *, group_id: str | None = None, trace_id: str | None = None
    ) -> list[str]:
        """Enqueue `data` on `topic`; returns the message ids (one per subscriber)."""
        return await self.runtime.emit(topic, data, group_id=group_id, trace_id=trace_id)

    async def wait_idle(self, timeout: float | None = 10.0) -> None:
        """Wait until every queued message is handled or dead-lettered (`TimeoutError` after `timeout`)."""
        await self.runtime.wait_idle(timeout)

    async def run_cron(self, step_name: str, index: int | None = None) -> None:
        """Run the cron trigger of step `step_name` once, now (`index`: which of its cron triggers)."""
        jobs = [job for job in self.spec.crons if job.step.name == step_name]
        if index is not None:
            jobs = [job for job in jobs if job.index == index]
        if not jobs:
            raise KeyError(f"step {step_name!r} has no cron trigger" + ("" if index is None else f" {index}"))
        await self.runtime.run_cron(jobs[0])

    async def dead_letters(
        self, *, topic: str | None = None, subscriber: str | None = None
    ) -> list[DeadLetter]:
        return await self.runtime.dead_letters(topic=topic, subscriber=subscriber)

    def stream_client(
        self, *, query: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> contextlib.AbstractAsyncContextManager[StreamClient]:
        """A stream client connected to the app's WebSocket endpoint (`query` and `headers` reach the
        app's authenticate hook); raises `StreamClosed` when the app refuses the connection."""
        self.runtime  # noqa: B018 (raises when the app is not running)
        return open_stream_client(self.http, query=query, headers=headers)

    @property
    def state(self) -> BackendState:
        return self.runtime.state

    @property
    def streams(self) -> Streams:
        return self.runtime.streams

    @property
    def logs(self) -> list[dict[str, Any]]:
        return list(self._capture.lines)
