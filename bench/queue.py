"""Queue benchmark: events per second through the queue engine, against a bare asyncio reference.

    .venv/bin/python bench/queue.py [--quick] [--write-docs]

Measured in one process, alternating in each round so that machine noise hits all of them alike:

* reference: a bare asyncio loop that spawns a task per event (a producer feeds a bounded
  `asyncio.Queue`; a consumer takes each event and `create_task`s its handler), the usual hand-written way;
* the queue engine on the in-memory backend (target: at least 0.4 times the reference);
* the queue engine on the SQLite backend, one process, WAL file in a temporary folder (target: at least
  5,000 events/s);
* the queue engine on Redis (a `redis-server` of the run's own) in one instance and in two, each a
  process of its own, against a hand-written redis-py Streams worker (XADD/XREADGROUP/XACK) in one
  process and in two (targets: one instance at least 0.5 times the one-process reference, two instances
  at least 1.6 times one); see `bench/_queue_redis.py`.

Each event is a small dict; every handler is a trivial coroutine. Engine runs enqueue every event (fan-out,
trace id, JSON check, store), then wait until the queue is idle (claim, deliver, ack). Exits 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Run by path, this folder comes first on sys.path and this file would stand in for the standard library's
# `queue` (which redis-py imports): the shared helpers are looked up here last.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import _queue_redis  # noqa: E402 (after the path is set)
from _report import measured_line, table, verdict, write_section  # noqa: E402
from motia.delivery.engine import MessageInfo, QueueEngine, Subscriber  # noqa: E402
from motia.storage.backend import Backend  # noqa: E402
from motia.storage.memory import MemoryBackend  # noqa: E402
from motia.storage.sqlite import SqliteBackend  # noqa: E402

MEMORY_RATIO_TARGET = 0.4
SQLITE_RATE_TARGET = 5_000.0
REDIS_RATIO_TARGET = 0.5
REDIS_SCALING_TARGET = 1.6

SECTION_INTRO = """## Queue (events through the queue engine)

`bench/queue.py` pushes small dict events through the queue engine, one subscriber with a trivial handler,
and times them from the first enqueue until the queue is idle (every message claimed, delivered and
acknowledged). The reference, run in the same rounds, is the usual hand-written asyncio pattern: a producer
feeding a bounded `asyncio.Queue` and a consumer that spawns a task per event. The engine does more per
event (a stored message per subscriber, a trace id, a JSON check, a lease, an ack) and wins back time by
claiming and acknowledging in batches and by running handlers inline on long-lived workers that wake each
other only when a handler actually waits. On SQLite each enqueue is one short WAL transaction, and each
batch of claims or acks is another.
"""


async def _reference(n: int) -> float:
    done = 0

    async def handler(event: dict[str, int]) -> None:
        nonlocal done
        done += 1

    queue: asyncio.Queue[dict[str, int] | None] = asyncio.Queue(maxsize=1000)
    tasks: set[asyncio.Task[None]] = set()

    async def produce() -> None:
        for i in range(n):
            await queue.put({"i": i})
        await queue.put(None)

    async def consume() -> None:
        while (event := await queue.get()) is not None:
            task = asyncio.create_task(handler(event))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    start = time.perf_counter()
    await asyncio.gather(produce(), consume())
    while tasks:
        await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    assert done == n
    return elapsed


async def _engine(n: int, backend: Backend) -> float:
    done = 0

    async def handler(payload: Any, info: MessageInfo) -> None:
        nonlocal done
        done += 1

    try:
        async with QueueEngine(backend, {"bench.event": [Subscriber("Count", handler)]}) as queue:
            start = time.perf_counter()
            for i in range(n):
                await queue.enqueue("bench.event", {"i": i})
            await queue.wait_idle()
            elapsed = time.perf_counter() - start
    finally:
        await backend.close()
    assert done == n, (done, n)
    return elapsed


def _rate(run: Callable[[], Coroutine[Any, Any, float]], n: int) -> float:
    gc.collect()  # start every run with the same heap, not one holding the last run's garbage
    return n / asyncio.run(run())


def measure(rounds: int, n_memory: int, n_sqlite: int) -> dict[str, list[float]]:
    """Events/s per round. The reference and the in-memory engine run in A-B-B-A order within a round,
    and their ratio is taken per round, so that load from elsewhere on the machine hits both alike."""
    rates: dict[str, list[float]] = {"reference": [], "memory": [], "ratio": [], "sqlite": []}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(rounds):
            reference_1 = _rate(lambda: _reference(n_memory), n_memory)
            memory_1 = _rate(lambda: _engine(n_memory, MemoryBackend()), n_memory)
            memory_2 = _rate(lambda: _engine(n_memory, MemoryBackend()), n_memory)
            reference_2 = _rate(lambda: _reference(n_memory), n_memory)
            rates["reference"].append((reference_1 + reference_2) / 2)
            rates["memory"].append((memory_1 + memory_2) / 2)
            rates["ratio"].append(rates["memory"][-1] / rates["reference"][-1])
            path = Path(folder) / f"round{round_}.sqlite3"
            rates["sqlite"].append(_rate(lambda at=path: _engine(n_sqlite, SqliteBackend(at)), n_sqlite))
    return rates


def redis_rows(runs: dict[str, list[_queue_redis.Run]]) -> tuple[list[tuple[str, str, str, str]], bool]:
    """The Redis rows: rates, the two targets (medians of per-round ratios) and the CPU use."""
    rate = {name: statistics.median(r.rate for r in values) for name, values in runs.items()}
    ratio = _round_ratios(runs["one"], runs["reference"])
    scaling = _round_ratios(runs["two"], runs["one"])
    reference_scaling = _round_ratios(runs["reference two"], runs["reference"])
    rows = [
        (
            "Redis reference: redis-py Streams worker, 1 process, events/s",
            f"{rate['reference']:,.0f}",
            "(info)",
            "-",
        ),
        ("Redis reference, 2 processes, events/s", f"{rate['reference two']:,.0f}", "(info)", "-"),
        ("queue engine on Redis, 1 instance, events/s", f"{rate['one']:,.0f}", "(info)", "-"),
        ("queue engine on Redis, 2 instances, events/s", f"{rate['two']:,.0f}", "(info)", "-"),
        (
            "Redis engine, 1 instance / reference, 1 process",
            f"{ratio:.2f}×",
            f"≥ {REDIS_RATIO_TARGET}×",
            verdict(ratio >= REDIS_RATIO_TARGET),
        ),
        (
            "Redis engine, 2 instances / 1 instance",
            f"{scaling:.2f}×",
            f"≥ {REDIS_SCALING_TARGET}×",
            verdict(scaling >= REDIS_SCALING_TARGET),
        ),
        ("Redis reference, 2 processes / 1 process", f"{reference_scaling:.2f}×", "(info)", "-"),
    ]
    return rows, ratio >= REDIS_RATIO_TARGET and scaling >= REDIS_SCALING_TARGET


def _round_ratios(top: list[_queue_redis.Run], bottom: list[_queue_redis.Run]) -> float:
    """The median over rounds of `top`/`bottom`, each round's rate being the mean of its two runs."""
    pairs = zip(top[0::2], top[1::2], bottom[0::2], bottom[1::2], strict=True)
    return statistics.median((a.rate + b.rate) / (c.rate + d.rate) for a, b, c, d in pairs)


def cpu_lines(runs: dict[str, list[_queue_redis.Run]], events: int) -> list[str]:
    """CPU use per row: the measured processes' and the server's, in µs per event and in cores busy."""
    lines = []
    for name, values in runs.items():
        seconds = statistics.median(r.seconds for r in values)
        process = statistics.median(sum(r.process_cpu) for r in values)
        server = statistics.median(r.server_cpu for r in values)
        lines.append(
            f"{name}: processes {process / events * 1e6:.0f} µs/event, server {server / events * 1e6:.0f}"
            f" µs/event, {(process + server) / seconds:.2f} cores busy"
        )
    return lines


def report(
    rates: dict[str, list[float]],
    redis: dict[str, list[_queue_redis.Run]],
    sizes: tuple[int, int, int],
    command: str,
) -> tuple[str, bool]:
    n_memory, n_sqlite, n_redis = sizes
    reference, memory, ratio, sqlite = (
        statistics.median(rates[k]) for k in ("reference", "memory", "ratio", "sqlite")
    )
    memory_ok, sqlite_ok = ratio >= MEMORY_RATIO_TARGET, sqlite >= SQLITE_RATE_TARGET
    rows = [
        ("reference: asyncio task per event, events/s", f"{reference:,.0f}", "(info)", "-"),
        ("queue engine, in-memory backend, events/s", f"{memory:,.0f}", "(info)", "-"),
        (
            "in-memory engine / reference (median of per-round ratios)",
            f"{ratio:.2f}×",
            f"≥ {MEMORY_RATIO_TARGET}×",
            verdict(memory_ok),
        ),
        (
            "queue engine, SQLite backend, events/s",
            f"{sqlite:,.0f}",
            f"≥ {SQLITE_RATE_TARGET:,.0f}",
            verdict(sqlite_ok),
        ),
    ]
    more_rows, redis_ok = redis_rows(redis)
    rows += more_rows
    load = os.getloadavg()[0]
    lines = [
        measured_line(command),
        "",
        *table(rows),
        "",
        f"- {n_memory:,} events per reference and in-memory run, {n_sqlite:,} per SQLite run; medians of"
        f" {len(rates['reference'])} rounds; in each round the reference and the in-memory engine run twice,"
        " in A-B-B-A order, and their ratio is taken within the round",
        "- one subscriber with the default settings (concurrency 10, standard queue); the SQLite file uses"
        " WAL with `synchronous=NORMAL`",
        "- per round: "
        + "; ".join(
            f"{name} {', '.join(_figure(name, r) for r in values)}" for name, values in rates.items()
        ),
        f"- Redis: {n_redis:,} events per run, a `redis-server` of the run's own (no persistence), every"
        " measured process on uvloop; per round the four Redis rows run in A-B-C-D-D-C-B-A order and the"
        " ratios are taken within the round; with two, each process enqueues half the events and consumes"
        " whatever it claims; the engine talks to Redis on its own pipelined hiredis connection"
        " (`motia.storage.redis_wire`), the reference through redis-py's client, as a hand-written worker"
        " would; events/s per run: "
        + "; ".join(
            f"{name} {', '.join(f'{r.rate:,.0f}' for r in values)}" for name, values in redis.items()
        ),
        "- Redis CPU use (medians; the measured processes together, and the server): "
        + "; ".join(cpu_lines(redis, n_redis)),
        f"- 1-minute load average {load:.2f} at the end of the run (other work on the machine lowers every"
        " rate; the ratio is what the target reads)",
    ]
    return "\n".join(lines), memory_ok and sqlite_ok and redis_ok


def _figure(name: str, value: float) -> str:
    return f"{value:.2f}" if name == "ratio" else f"{value:,.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer events and rounds (a smoke run)")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args(argv)
    rounds, n_memory, n_sqlite = (2, 5_000, 2_000) if args.quick else (7, 50_000, 20_000)
    redis_rounds, n_redis = (1, 3_000) if args.quick else (3, 20_000)
    rates = measure(rounds, n_memory, n_sqlite)
    redis = _queue_redis.measure(redis_rounds, n_redis)
    flags = [flag for flag, on in (("--quick", args.quick), ("--write-docs", args.write_docs)) if on]
    command = " ".join([".venv/bin/python bench/queue.py", *flags])
    section, ok = report(rates, redis, (n_memory, n_sqlite, n_redis), command)
    print(section)
    if args.write_docs:
        write_section("queue", section, SECTION_INTRO)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
