"""Streams benchmark: live stream items over WebSocket to 200 clients in 20 groups, against a plain Starlette
fan-out server.

    .venv/bin/python bench/streams.py [--quick] [--write-docs]

The scenario (`run_scenario`, also run by `tests/e2e/test_stream_load.py` for its correctness checks):

* a server process: uvicorn serving an `AppSpec` built in code, one stream (`live`) and one route,
  `POST /groups/:group/write` with body `{"start": n, "count": k}`, whose handler does
  `await ctx.streams.live.set(group, f"{i:06d}", {"seq": i, ...})` for i in start..start+k-1; on the
  in-memory backend, or on SQLite in a temporary folder;
* one client process (asyncio, the `websockets` client) opens 200 connections, each joining one of 20
  groups (10 per group) and waiting for its `sync`; then it writes 250 items per group (5,000 in all)
  through the route, in chunks of 50, one chunk at a time per group and the 20 groups concurrently;
* every client checks that it gets exactly the `create` events of its own group, seq 0..249 in order, and
  nothing else (no other group, no duplicate, no message after the last one, no close).

Measured per run: connecting time, wall time from the first write to the last message received by the last
client (messages delivered per second: 5,000 items times 10 clients: 50,000 messages), items written per
second (first write until the last write request is answered), the server's RSS (`/proc/<pid>/status`)
before the clients connect, with them connected, after the run and its peak (`VmHWM`), and the CPU time of
the server and of the client process during the run.

The reference, run in the same rounds with the same clients: a minimal Starlette WebSocket fan-out server
(the same message shape; a join puts the socket's queue in its group's set and queues the sync; the same
POST route loops over the items and puts each message on the queue of every socket of the group; one writer
task per socket). The server runs pinned to CPU 0 and the client process to CPU 1 when `taskset` exists.
No target is fixed for speed; ratios to the reference are reported. Exits 1 when a client missed, reordered
or got a foreign message, or was dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

sys.path.append(str(Path(__file__).resolve().parent))  # the shared report helpers (appended: see _spawn)

from _report import free_port, measured_line, table, wait_listening, write_section

SCRIPT = Path(__file__).resolve()
STREAM = "live"
TEXT = "a live item, about as long as a short chat message"

SECTION_INTRO = """## Streams (items over WebSocket to 200 clients)

`bench/streams.py` serves an app with one stream and one route (`POST /groups/:group/write`, whose handler
writes a chunk of items with `ctx.streams.live.set`) in a uvicorn process, connects 200 WebSocket clients
from a second process (20 groups, 10 clients per group, each joining its group and waiting for its
`sync`), then writes 250 items per group (5,000 items) in chunks of 50, the groups concurrently. Every
client checks that it gets its own group's `create` events in the order written and nothing else. The
reference is a minimal Starlette WebSocket fan-out server run the same way: same message shape, a queue and
a writer task per socket, the POST handler putting each message on the queue of every socket of its group.
The server is pinned to one CPU and the client process to the other, and the runs alternate within each
round. On two CPUs the 200 clients, one Python process, are usually what sets the pace (see the client CPU
note): messages/s then says how fast the clients can take the messages, and the two servers come out close
with a scatter that is the clients' own; the server CPU time per delivered message is what compares the
servers.
"""


@dataclass(frozen=True)
class Scenario:
    clients: int = 200
    groups: int = 20
    items: int = 5_000
    chunk: int = 50

    @property
    def per_group(self) -> int:
        """Items written to each group."""
        return self.items // self.groups

    @property
    def messages(self) -> int:
        """Messages the clients should receive in all (every item once per client of its group)."""
        return self.per_group * self.clients

    def group_of(self, client: int) -> str:
        return f"group-{client % self.groups:02d}"


@dataclass
class Outcome:
    """One run: what the clients saw (the correctness properties) and what it cost."""

    server: str
    scenario: Scenario
    connect_s: float = 0.0
    write_s: float = 0.0
    wall_s: float = 0.0
    received: int = 0  # messages accepted in order, all clients
    complete: int = 0  # clients that got every item of their group in order and nothing else
    dropped: int = 0  # connections closed by the server or failed before the last item
    problems: list[str] = field(default_factory=list)  # the first few, then a count
    problem_count: int = 0
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    rss_kib: dict[str, int] = field(default_factory=dict)  # before, connected, after, peak

    @property
    def ok(self) -> bool:
        s = self.scenario
        return (
            self.problem_count == 0
            and self.dropped == 0
            and self.complete == s.clients
            and self.received == s.messages
        )

    @property
    def messages_per_s(self) -> float:
        return self.received / self.wall_s if self.wall_s else 0.0

    @property
    def client_busy(self) -> float:
        return self.client_cpu_s / self.wall_s if self.wall_s else 0.0

    @property
    def items_per_s(self) -> float:
        return self.scenario.items / self.write_s if self.write_s else 0.0


# -- the servers (in their own process) --------------------------------------------------------------------
def _envelope(group: str, item: str | None, event: dict[str, Any]) -> str:
    message: dict[str, Any] = {
        "timestamp": time.time_ns() // 1_000_000,
        "streamName": STREAM,
        "groupId": group,
    }
    if item is not None:
        message["id"] = item
    message["event"] = event
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def our_app(backend_kind: str, data: Path) -> Any:
    """The motia app: an `AppSpec` built in code, served by `HttpApp` on the chosen backend."""
    from motia.runtime import Runtime  # noqa: PLC0415
    from motia.spec import AppSpec, RouteSpec, StepSpec, StreamSpec  # noqa: PLC0415
    from motia.storage.backend import Backend  # noqa: PLC0415
    from motia.storage.memory import MemoryBackend  # noqa: PLC0415
    from motia.storage.sqlite import SqliteBackend  # noqa: PLC0415
    from motia.web.app import HttpApp, route_pattern  # noqa: PLC0415 (the server process only)

    async def write_items(req: Any, ctx: Any) -> dict[str, Any]:
        group = req.path_params["group"]
        start, count = int(req.body["start"]), int(req.body["count"])
        items = ctx.streams.live
        for i in range(start, start + count):
            await items.set(group, f"{i:06d}", {"seq": i, "group": group, "text": TEXT})
        return {"status": 200, "body": {"written": count}}

    step = StepSpec("WriteItems", "steps/write_items_step.py", "classic", write_items, 2)
    path = "/groups/:group/write"
    pattern, params = route_pattern(path)
    spec = AppSpec(
        steps=(step,),
        routes=(RouteSpec(step, 0, "POST", path, pattern, params),),
        streams=(StreamSpec(STREAM, "streams/live_stream.py"),),
    )
    backend: Backend = MemoryBackend() if backend_kind == "memory" else SqliteBackend(data / "motia.sqlite3")
    return HttpApp(Runtime(spec, backend, close_backend=True))


def reference_app() -> Any:
    """A minimal Starlette WebSocket fan-out: a queue and a writer task per socket, a set of queues per
    group, a POST handler that loops over the items and queues each message for the group's sockets."""
    from starlette.applications import Starlette  # noqa: PLC0415
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import JSONResponse  # noqa: PLC0415
    from starlette.routing import Route, WebSocketRoute  # noqa: PLC0415
    from starlette.websockets import WebSocket, WebSocketDisconnect  # noqa: PLC0415

    groups: dict[str, dict[asyncio.Queue[str], None]] = {}
    stored: dict[str, dict[str, dict[str, Any]]] = {}

    async def socket(ws: WebSocket) -> None:
        await ws.accept()
        outbox: asyncio.Queue[str] = asyncio.Queue()
        joined: list[str] = []

        async def writer() -> None:
            while True:
                await ws.send_text(await outbox.get())

        task = asyncio.create_task(writer())
        try:
            while True:
                message = json.loads(await ws.receive_text())
                if message.get("type") == "join":
                    group = message["data"]["groupId"]
                    groups.setdefault(group, {})[outbox] = None
                    joined.append(group)
                    items = [item for _, item in sorted(stored.get(group, {}).items())]
                    outbox.put_nowait(_envelope(group, None, {"type": "sync", "data": items}))
        except WebSocketDisconnect:
            pass
        finally:
            for group in joined:
                groups.get(group, {}).pop(outbox, None)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def write(request: Request) -> JSONResponse:
        group = request.path_params["group"]
        body = await request.json()
        start, count = int(body["start"]), int(body["count"])
        for i in range(start, start + count):
            key = f"{i:06d}"
            item = {"seq": i, "group": group, "text": TEXT, "id": key}
            stored.setdefault(group, {})[key] = item
            text = _envelope(group, key, {"type": "create", "data": item})
            for outbox in tuple(groups.get(group, ())):
                outbox.put_nowait(text)
        return JSONResponse({"written": count})

    return Starlette(
        routes=[Route("/groups/{group}/write", write, methods=["POST"]), WebSocketRoute("/", socket)]
    )


def serve(kind: str, port: int, data: Path) -> None:
    import uvicorn  # noqa: PLC0415

    app = reference_app() if kind == "reference" else our_app(kind, data)
    gc.freeze()  # as `motia serve` does once the app is loaded
    uvicorn.run(
        app, host="127.0.0.1", port=port, workers=1, log_level="warning", lifespan="on", access_log=False
    )


# -- the clients (in their own process) --------------------------------------------------------------------
class Subscriber:
    """One WebSocket client of one group: checks every message it gets against what it should get next."""

    MAX_PROBLEMS = 3

    def __init__(self, index: int, group: str, expected: int) -> None:
        self.index, self.group, self.expected = index, group, expected
        self.received = 0  # own group's items that came in order
        self.next = 0  # the seq expected next
        self.seen = 0  # own group's messages after the sync
        self.problems: list[str] = []
        self.problem_count = 0
        self.last_at = 0.0
        self.closed: str | None = None
        self.done = asyncio.Event()

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < self.MAX_PROBLEMS:
            self.problems.append(f"client {self.index} ({self.group}): {text}")

    def check(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
            event = message["event"]
            stream, group, kind = message["streamName"], message["groupId"], event["type"]
        except (ValueError, KeyError, TypeError):
            self.problem(f"unreadable message {raw[:200]!r}")
            return
        if stream != STREAM or group != self.group:
            self.problem(f"message of another stream or group ({stream}/{group}): {raw[:200]!r}")
            return
        self.seen += 1
        if self.seen > self.expected:
            self.problem(f"message after the last item: {raw[:200]!r}")
            return
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        seq = data.get("seq")
        if kind != "create":
            self.problem(f"{kind} event where a create was expected: {raw[:200]!r}")
        elif not isinstance(seq, int) or data.get("group") != self.group or message.get("id") != f"{seq:06d}":
            self.problem(f"not an item this client's group was written: {raw[:200]!r}")
        elif seq != self.next:
            what = "a repeat or reordered" if seq < self.next else f"{seq - self.next} missing before it"
            self.problem(f"expected seq {self.next}, got seq {seq} ({what})")
            self.next = max(self.next, seq + 1)
        else:
            self.received += 1
            self.next += 1
        if self.seen == self.expected:
            self.last_at = time.perf_counter()
            self.done.set()

    async def run(self, url: str, joined: asyncio.Future[None]) -> None:
        """Connect, join, wait for the sync (then resolve `joined`), then check messages until closed."""
        from websockets.asyncio.client import connect  # noqa: PLC0415
        from websockets.exceptions import ConnectionClosed  # noqa: PLC0415

        try:
            async with connect(url, max_queue=None, open_timeout=60, ping_interval=None) as ws:
                join = {"streamName": STREAM, "groupId": self.group, "subscriptionId": f"s{self.index}"}
                await ws.send(json.dumps({"type": "join", "data": join}))
                sync = json.loads(await ws.recv())
                if sync.get("groupId") != self.group or sync.get("event") != {"type": "sync", "data": []}:
                    self.problem(f"expected an empty sync of its group first, got {sync!r}")
                joined.set_result(None)
                try:
                    async for raw in ws:
                        self.check(raw)
                    self.closed = f"closed by the server ({ws.close_code} {ws.close_reason!r})"
                except ConnectionClosed as closed:
                    self.closed = f"closed: {closed}"
        except Exception as error:
            self.closed = f"failed: {type(error).__name__}: {error}"
            if not joined.done():
                joined.set_exception(error)
        finally:  # (a cancel, at the end of the run, is not a drop: `closed` stays None)
            self.done.set()  # nothing more will come: let the run end


async def _clients(port: int, scenario: Scenario, timeout: float) -> None:
    """The client process: connect every client, report, wait for `go`, write the items, report."""
    import httpx  # noqa: PLC0415

    loop = asyncio.get_running_loop()

    def say(**line: Any) -> None:
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()

    async def told() -> str:
        line: str = await loop.run_in_executor(None, sys.stdin.readline)
        return line.strip()

    url = f"ws://127.0.0.1:{port}/"
    subscribers = [
        Subscriber(index, scenario.group_of(index), scenario.per_group) for index in range(scenario.clients)
    ]
    joined = [loop.create_future() for _ in subscribers]
    start = time.perf_counter()
    tasks = [asyncio.create_task(s.run(url, f)) for s, f in zip(subscribers, joined, strict=True)]
    try:
        await asyncio.wait_for(asyncio.gather(*joined), timeout)
    except Exception as error:
        say(phase="failed", error=f"connecting: {type(error).__name__}: {error}")
        return
    say(phase="connected", connect_s=time.perf_counter() - start)
    if await told() != "go":
        return
    cpu = time.process_time()
    groups = sorted({s.group for s in subscribers})
    limits = httpx.Limits(max_connections=len(groups), max_keepalive_connections=len(groups))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=timeout) as http:

        async def write(group: str) -> None:
            for first in range(0, scenario.per_group, scenario.chunk):
                count = min(scenario.chunk, scenario.per_group - first)
                answer = await http.post(f"/groups/{group}/write", json={"start": first, "count": count})
                answer.raise_for_status()

        first_write = time.perf_counter()
        await asyncio.gather(*(write(group) for group in groups))
        written = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(s.done.wait() for s in subscribers)), timeout)
    finished = [s.last_at for s in subscribers if s.last_at]
    await asyncio.sleep(0.2)  # a late message after the last item would show up as a problem
    cpu = time.process_time() - cpu
    problems = [p for s in subscribers for p in s.problems]
    short = 0
    for s in subscribers:
        if s.last_at == 0.0 and s.problem_count == 0:
            short += 1
            problems.append(
                f"client {s.index} ({s.group}): got {s.seen} of {s.expected} messages"
                f" ({s.closed or 'still connected'})"
            )
    say(
        phase="done",
        write_s=written - first_write,
        wall_s=(max(finished) - first_write) if finished else 0.0,
        received=sum(s.received for s in subscribers),
        complete=sum(
            1
            for s in subscribers
            if s.received == s.expected == s.seen and s.problem_count == 0 and s.closed is None
        ),
        dropped=sum(1 for s in subscribers if s.closed is not None),
        problems=problems[:20],
        problem_count=sum(s.problem_count for s in subscribers) + short,
        cpu_s=cpu,
    )
    await told()  # the parent has read the server's memory: close the connections
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


# -- the run (in the calling process) ----------------------------------------------------------------------
def _pin(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > cpu else []


def _spawn(
    arguments: list[str], cpu: int | None, stderr: IO[bytes], stdin: bool = False
) -> subprocess.Popen[bytes]:
    # -P: the bench folder is not put first on sys.path, where `queue.py` would shadow the standard library.
    command = [*(_pin(cpu) if cpu is not None else []), sys.executable, "-P", str(SCRIPT), *arguments]
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stderr=stderr,
        bufsize=0,
    )


def _status_kib(pid: int, key: str) -> int:
    """`VmRSS`, `VmHWM`, ... of a process, in KiB (from /proc; 0 where there is none)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    """User and system CPU time of a process so far (from /proc; 0 where there is none)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


class _Lines:
    """JSON lines from a child's stdout, each awaited until a deadline."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        self.fd, self.buffer = process.stdout.fileno(), b""

    def next(self, seconds: float) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the client process said nothing for {seconds:.0f} s")
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    raise EOFError("the client process ended")
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        found: dict[str, Any] = json.loads(line)
        return found


def _tell(process: subprocess.Popen[bytes], word: str) -> None:
    assert process.stdin is not None
    with contextlib.suppress(BrokenPipeError):
        process.stdin.write(f"{word}\n".encode())
        process.stdin.flush()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def run_scenario(
    server: str, scenario: Scenario | None = None, *, pin: bool = False, timeout: float = 60.0
) -> Outcome:
    """One run against a fresh server process (`memory`, `sqlite` or `reference`) with the clients in one
    other process. Raises `RuntimeError` (with both processes' stderr) when a process fails or hangs;
    returns what the clients saw otherwise (`Outcome.ok` says whether every property held)."""
    scenario = scenario or Scenario()
    if server not in ("memory", "sqlite", "reference"):
        raise ValueError(f"unknown server {server!r}")
    outcome = Outcome(server, scenario)
    with tempfile.TemporaryDirectory(prefix="motia-streams-") as folder:
        data = Path(folder)
        port = free_port()
        with open(data / "server.err", "wb") as server_err, open(data / "clients.err", "wb") as clients_err:
            process = _spawn(
                ["--serve", server, "--port", str(port), "--data", folder], 0 if pin else None, server_err
            )
            clients: subprocess.Popen[bytes] | None = None
            try:
                wait_listening(port, process)
                pid = process.pid
                outcome.rss_kib["before"] = _status_kib(pid, "VmRSS")
                arguments = [f"--{name}={value}" for name, value in asdict(scenario).items()]
                clients = _spawn(
                    ["--run-clients", "--port", str(port), f"--timeout={timeout}", *arguments],
                    1 if pin else None,
                    clients_err,
                    stdin=True,
                )
                lines = _Lines(clients)
                connected = lines.next(timeout + 30)
                if connected.get("phase") != "connected":
                    raise RuntimeError(f"the clients did not connect: {connected.get('error')}")
                outcome.connect_s = float(connected["connect_s"])
                outcome.rss_kib["connected"] = _status_kib(pid, "VmRSS")
                cpu = _cpu_s(pid)
                _tell(clients, "go")
                done = lines.next(2 * timeout + 30)
                outcome.server_cpu_s = _cpu_s(pid) - cpu
                outcome.rss_kib["after"] = _status_kib(pid, "VmRSS")
                outcome.rss_kib["peak"] = _status_kib(pid, "VmHWM")
                for name in (
                    "write_s",
                    "wall_s",
                    "received",
                    "complete",
                    "dropped",
                    "problems",
                    "problem_count",
                ):
                    setattr(outcome, name, done[name])
                outcome.client_cpu_s = float(done["cpu_s"])
                _tell(clients, "close")
                clients.wait(timeout=30)
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode} during the run")
            except (RuntimeError, TimeoutError, EOFError, subprocess.TimeoutExpired) as error:
                for child in (clients, process):
                    if child is not None:
                        _stop(child)
                errors = "\n".join(
                    f"--- {name} stderr:\n{(data / name).read_text(errors='replace')[-4000:]}"
                    for name in ("server.err", "clients.err")
                )
                raise RuntimeError(f"{server}: {error}\n{errors}") from error
            finally:
                for child in (clients, process):
                    if child is not None:
                        _stop(child)
    return outcome


# -- the benchmark -----------------------------------------------------------------------------------------
SERVERS = ("reference", "memory", "sqlite")
NAMES = {
    "reference": "reference: plain Starlette fan-out",
    "memory": "ours, in-memory backend",
    "sqlite": "ours, SQLite backend",
}


def measure(rounds: int, scenario: Scenario) -> dict[str, list[Outcome]]:
    """Every server once per round, in alternating order (so load from elsewhere hits each alike)."""
    outcomes: dict[str, list[Outcome]] = {server: [] for server in SERVERS}
    for round_index in range(rounds):
        for server in SERVERS if round_index % 2 == 0 else reversed(SERVERS):
            outcome = run_scenario(server, scenario, pin=True)
            outcomes[server].append(outcome)
            print(
                f"round {round_index + 1} {server}: {outcome.messages_per_s:,.0f} messages/s,"
                f" wall {outcome.wall_s:.2f} s, {'ok' if outcome.ok else 'PROBLEMS'}",
                file=sys.stderr,
            )
    return outcomes


def _mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def report(outcomes: dict[str, list[Outcome]], scenario: Scenario, command: str) -> tuple[str, bool]:
    def median(server: str, value: str) -> float:
        return statistics.median(float(getattr(o, value)) for o in outcomes[server])

    def ratio(server: str, value: str, inverse: bool = False) -> float:
        pairs = zip(outcomes[server], outcomes["reference"], strict=True)
        values = [
            (float(getattr(r, value)) / float(getattr(o, value)))
            if inverse
            else (float(getattr(o, value)) / float(getattr(r, value)))
            for o, r in pairs
        ]
        return statistics.median(values)

    rows: list[tuple[str, str, str, str]] = []
    ok = all(o.ok for runs in outcomes.values() for o in runs)
    for server in SERVERS:
        runs = outcomes[server]
        good = all(o.ok for o in runs)
        rows.append(
            (
                f"{NAMES[server]}: every client got its group's {scenario.per_group} items in order, none"
                " of another group, none dropped",
                f"{min(o.complete for o in runs)}/{scenario.clients} clients (worst of {len(runs)} runs)",
                "all",
                "PASS" if good else "FAIL",
            )
        )
    for server in SERVERS:
        rows.append(
            (
                f"{NAMES[server]}: messages delivered/s",
                f"{median(server, 'messages_per_s'):,.0f}",
                "(info)",
                "-",
            )
        )
    for server in ("memory", "sqlite"):
        rows.append(
            (
                f"{NAMES[server]} / reference, messages/s (median of per-round ratios)",
                f"{ratio(server, 'messages_per_s'):.2f}×",
                "(none set)",
                "-",
            )
        )
    for server in SERVERS:
        rows.append(
            (f"{NAMES[server]}: items written/s", f"{median(server, 'items_per_s'):,.0f}", "(info)", "-")
        )
    for server in SERVERS:
        rows.append(
            (
                f"{NAMES[server]}: wall time, first write to last message (s)",
                f"{median(server, 'wall_s'):.2f}",
                "(info)",
                "-",
            )
        )
    for server in SERVERS:
        per_message = median(server, "server_cpu_s") / scenario.messages * 1e6
        rows.append(
            (f"{NAMES[server]}: server CPU per delivered message (µs)", f"{per_message:.1f}", "(info)", "-")
        )
    for server in ("memory", "sqlite"):
        rows.append(
            (
                f"{NAMES[server]} / reference, server CPU per message (median of per-round ratios)",
                f"{ratio(server, 'server_cpu_s'):.2f}×",
                "(info)",
                "-",
            )
        )
    for server in SERVERS:
        last = outcomes[server][-1].rss_kib
        peak = max(o.rss_kib.get("peak", 0) for o in outcomes[server])
        rows.append(
            (
                f"{NAMES[server]}: server RSS before clients / {scenario.clients} connected / after the run /"
                " peak (MiB)",
                " / ".join(_mib(v) for v in (last["before"], last["connected"], last["after"], peak)),
                "(info)",
                "-",
            )
        )
    load = os.getloadavg()[0]
    per_round = "; ".join(
        f"{server} {', '.join(f'{o.messages_per_s:,.0f}' for o in outcomes[server])}" for server in SERVERS
    )
    lines = [
        measured_line(command),
        "",
        *table(rows),
        "",
        f"- {scenario.clients} clients on {scenario.groups} groups ({scenario.clients // scenario.groups} per"
        f" group); {scenario.items:,} items ({scenario.per_group} per group) written in chunks of"
        f" {scenario.chunk} per request, the groups concurrently; {scenario.messages:,} messages per run;"
        f" medians of {len(outcomes['reference'])} rounds, each server a fresh process per run",
        f"- messages delivered/s per round: {per_round}",
        "- connecting the clients (join and sync), median s: "
        + ", ".join(f"{server} {median(server, 'connect_s'):.2f}" for server in SERVERS),
        "- the client process's CPU time over the wall time of the run, median (near 1: the 200 clients, on"
        " their one CPU, set the pace, and messages/s is what they can take; server CPU per message is the"
        " figure that compares the servers then): "
        + ", ".join(f"{server} {median(server, 'client_busy'):.2f}" for server in SERVERS),
        "- RSS from `/proc/<pid>/status` (`VmRSS`; peak: `VmHWM`, the most of any round), the last round's"
        " server for the others",
        f"- 1-minute load average {load:.2f} at the end of the run",
    ]
    problems = [p for runs in outcomes.values() for o in runs for p in o.problems]
    if problems:
        lines.append("- problems seen: " + "; ".join(problems[:10]))
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round (a smoke run)")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    # The child processes' own modes.
    parser.add_argument("--serve", choices=SERVERS, help=argparse.SUPPRESS)
    parser.add_argument("--run-clients", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    for name, default in asdict(Scenario()).items():
        parser.add_argument(f"--{name}", type=int, default=default, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.data)
        return 0
    scenario = Scenario(args.clients, args.groups, args.items, args.chunk)
    if args.run_clients:
        try:
            import uvloop  # noqa: PLC0415
        except ImportError:
            asyncio.run(_clients(args.port, scenario, args.timeout))
        else:
            uvloop.run(_clients(args.port, scenario, args.timeout))
        return 0
    rounds = 1 if args.quick else 5
    outcomes = measure(rounds, scenario)
    flags = [flag for flag, on in (("--quick", args.quick), ("--write-docs", args.write_docs)) if on]
    command = " ".join([".venv/bin/python bench/streams.py", *flags])
    section, ok = report(outcomes, scenario, command)
    print(section)
    if args.write_docs:
        write_section("streams", section, SECTION_INTRO)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
