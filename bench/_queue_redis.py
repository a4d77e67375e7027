"""The Redis rows of `bench/queue.py`: the queue engine on Redis in one and in two instances (separate
processes sharing one `redis-server`), against a hand-written redis-py Streams loop in the same run.

Each measured process is started from this file (`python bench/_queue_redis.py ROLE URL SHARE TOTAL`),
connects, says `ready`, and waits for `go` on stdin, so that start-up is not timed. Both kinds run on
uvloop, the event loop `motia start` serves on:

* `reference`: a producer task XADDs its events one by one (JSON in one field) while a consumer task reads
  them back with XREADGROUP (100 at a time), runs a trivial handler on each and XACKs each batch, the
  usual way to hand-write a Redis Streams worker; in two processes they share one consumer group;
* `engine`: the process enqueues its share of the events one by one through `QueueEngine.enqueue` while
  its consumer claims, delivers and acknowledges them; every instance keeps consuming until all instances
  have enqueued everything and nothing is pending anywhere.

Every process reports when it finished (wall clock, the same on one machine), how many events it handled
and the CPU time it used; the rate is the events over the time from `go` to the last finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Run by path, this folder would come first on sys.path and `bench/queue.py` would stand in for the
# standard library's `queue`, which redis-py imports: look here last.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE), str(REPO)]

import uvloop  # noqa: E402 (after the path is set)

APP = "bench"
TOPIC = "bench.event"
STREAM, GROUP = "bench:reference", "workers"
POLL = 0.005  # how often an engine instance looks whether the whole run is over
POLL_MS = 5  # how long a reference read waits for news before looking the same


@dataclass(frozen=True)
class Finished:
    """What one measured process reports."""

    end: float
    handled: int
    cpu: float


# -- the measured processes


async def _reference(url: str, share: int, total: int) -> Finished:
    import redis.asyncio  # noqa: PLC0415

    client = redis.asyncio.from_url(url, decode_responses=True)
    with contextlib.suppress(redis.ResponseError):  # the group exists: another process made it
        await client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    consumer, counter = f"c{os.getpid()}", f"{STREAM}:done"
    handled = 0

    async def handler(event: dict[str, Any]) -> None:
        nonlocal handled
        handled += 1

    async def produce() -> None:
        for i in range(share):
            await client.xadd(STREAM, {"data": json.dumps({"i": i})})

    async def consume() -> None:
        # Every process counts what it acked in one shared counter, so each knows when all are done.
        while True:
            found = await client.xreadgroup(GROUP, consumer, {STREAM: ">"}, count=100, block=POLL_MS)
            entries = [entry for _stream, batch in found for entry in batch]
            for _id, fields in entries:
                await handler(json.loads(fields["data"]))
            if entries:
                await client.xack(STREAM, GROUP, *(entry_id for entry_id, _ in entries))
                await client.incrby(counter, len(entries))
            elif int(await client.get(counter) or 0) >= total:
                return

    await _ready()
    cpu = time.process_time()
    await asyncio.gather(produce(), consume())
    finished = Finished(time.time(), handled, time.process_time() - cpu)
    await client.aclose()
    return finished


async def _engine(url: str, share: int, total: int) -> Finished:
    from motia.delivery.engine import MessageInfo, QueueEngine, Subscriber  # noqa: PLC0415
    from motia.storage.redis_backend import RedisBackend  # noqa: PLC0415

    backend = RedisBackend(url, app=APP)
    counter = redis_counter_key()
    handled = 0

    async def handler(payload: Any, info: MessageInfo) -> None:
        nonlocal handled
        handled += 1

    client = backend._client  # the backend's own connection pool, for the run's bookkeeping
    async with QueueEngine(backend, {TOPIC: [Subscriber("Count", handler)]}) as queue:
        await _ready()
        cpu = time.process_time()
        for i in range(share):
            await queue.enqueue(TOPIC, {"i": i})
        await client.incrby(counter, share)
        while int(await client.get(counter) or 0) < total:  # every instance has enqueued its share
            await asyncio.sleep(POLL)
        while await backend.pending() > 0:  # and every message is settled, wherever it was claimed
            await asyncio.sleep(POLL)
        finished = Finished(time.time(), handled, time.process_time() - cpu)
    await backend.close()
    return finished


def redis_counter_key() -> str:
    return f"motia:{APP}:bench-enqueued"


async def _ready() -> None:
    print("ready", flush=True)
    line = await asyncio.to_thread(sys.stdin.readline)
    if line.strip() != "go":
        raise SystemExit(f"expected 'go', got {line!r}")


def _worker(argv: list[str]) -> None:
    role, url, share, total = argv[0], argv[1], int(argv[2]), int(argv[3])
    run = _reference(url, share, total) if role == "reference" else _engine(url, share, total)
    finished = uvloop.run(run)  # the loop `motia start` serves on (uvicorn picks uvloop when installed)
    print(json.dumps(finished.__dict__), flush=True)


# -- the coordinator


@dataclass(frozen=True)
class Run:
    """One timed run: events/s, and the CPU seconds each process and the server used."""

    rate: float
    process_cpu: tuple[float, ...]
    server_cpu: float
    seconds: float


def timed(url: str, role: str, instances: int, total: int) -> Run:
    """Start `instances` processes of `role` on an empty database, let them go at once, time them."""
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(url, decode_responses=True)
    client.flushdb()
    shares = [total // instances + (1 if i < total % instances else 0) for i in range(instances)]
    command = [sys.executable, str(Path(__file__).resolve()), role, url]
    processes = [
        subprocess.Popen(
            [*command, str(share), str(total)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for share in shares
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a {role} process did not start")
        server_before = _server_cpu(client)
        start = time.time()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        reports = [Finished(**json.loads(process.communicate(timeout=600)[0])) for process in processes]
        server_after = _server_cpu(client)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        client.close()
    handled = sum(r.handled for r in reports)
    if handled < total:
        raise RuntimeError(f"{role} x{instances}: {handled} of {total} events handled")
    seconds = max(r.end for r in reports) - start
    return Run(total / seconds, tuple(r.cpu for r in reports), server_after - server_before, seconds)


def _server_cpu(client: Any) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def measure(rounds: int, total: int) -> dict[str, list[Run]]:
    """Per round, in A-B-C-D-D-C-B-A order so that load from elsewhere hits every row alike: the
    reference in one process and in two, the engine in one instance and in two."""
    from tests.redis_server import redis_server  # noqa: PLC0415 (a server of the run's own)

    order = [("reference", "reference", 1), ("reference two", "reference", 2), ("one", "engine", 1)]
    order.append(("two", "engine", 2))
    runs: dict[str, list[Run]] = {name: [] for name, _, _ in order}
    with redis_server() as url:
        for _ in range(rounds):
            for name, role, instances in [*order, *reversed(order)]:
                runs[name].append(timed(url, role, instances, total))
    return runs


if __name__ == "__main__":
    _worker(sys.argv[1:])
