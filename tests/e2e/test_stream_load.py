"""Streams under load, end to end: 200 WebSocket clients on 20 groups while a handler writes 5,000 items,
through the scenario of `bench/streams.py` (a uvicorn server process on the in-memory backend, the clients
in another process). Only what the clients saw is checked here, never how long it took."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "bench" / "streams.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_streams", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_every_client_gets_every_item_of_its_group_in_order_and_nothing_else() -> None:
    bench = _bench()
    scenario = bench.Scenario(clients=200, groups=20, items=5_000, chunk=50)
    outcome = bench.run_scenario("memory", scenario, timeout=30.0)
    assert outcome.problems == [], f"{outcome.problem_count} problems, the first: {outcome.problems}"
    assert outcome.problem_count == 0
    assert outcome.dropped == 0, "a client's connection ended before the last item"
    assert outcome.complete == 200, "every client: its group's 250 items, seq 0..249 in order, nothing else"
    assert outcome.received == 50_000  # 5,000 items, each to the 10 clients of its group
    assert outcome.ok
