"""`BackendState` over every backend: the classic and 1.x calls, atomic updates, JSON-only values."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from motia.state_manager import BackendState
from motia.storage.backend import Backend, IncrementOp, stream_namespace
from motia.storage.memory import MemoryBackend
from motia.storage.sqlite import SqliteBackend

Scenario = Callable[[BackendState], Awaitable[None]]


@pytest.fixture(params=["memory", "sqlite"])
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Backend]:
    if request.param == "memory":
        return MemoryBackend
    return lambda: SqliteBackend(tmp_path / "state.sqlite3")


def run(make_backend: Callable[[], Backend], scenario: Scenario) -> None:
    async def main() -> None:
        backend = make_backend()
        try:
            await scenario(BackendState(backend))
        finally:
            await backend.close()

    asyncio.run(main())


def test_classic_calls(make_backend: Callable[[], Backend]) -> None:
    async def scenario(state: BackendState) -> None:
        user = {"name": "Alice", "email": "alice@example.com"}
        assert await state.set("users", "user-123", user) == user
        await state.set("users", "user-007", {"name": "Bond"})
        await state.set("orders", "o-1", 12.5)
        assert await state.get("users", "user-123") == user
        assert await state.get("users", "nobody") is None
        assert await state.get_group("users") == [{"name": "Bond"}, user]
        assert await state.getGroup("users") == await state.list("users")
        assert await state.list_groups() == ["orders", "users"]
        assert await state.delete("users", "user-123") == user
        assert await state.get("users", "user-123") is None
        await state.clear("users")
        assert await state.get_group("users") == []
        assert await state.list_groups() == ["orders"]

    run(make_backend, scenario)


def test_a_stream_namespace_is_apart_from_state(make_backend: Callable[[], Backend]) -> None:
    async def main() -> None:
        backend = make_backend()
        try:
            state = BackendState(backend)
            items = BackendState(backend, namespace=stream_namespace("todos"), label="stream 'todos' item")
            await state.set("g", "k", "state")
            await items.set("g", "k", "item")
            assert (await state.get("g", "k"), await items.get("g", "k")) == ("state", "item")
            with pytest.raises(TypeError, match=r"stream 'todos' item value for 'g'/'k'"):
                await items.set("g", "k", {1, 2})
        finally:
            await backend.close()

    asyncio.run(main())


def test_update_ops_in_motia_shape(make_backend: Callable[[], Backend]) -> None:
    async def scenario(state: BackendState) -> None:
        await state.set("carts", "c1", {"items": 1, "owner": {"id": "u1"}, "tmp": True})
        result = await state.update(
            "carts",
            "c1",
            [
                {"type": "increment", "path": "items", "by": 2},
                {"type": "decrement", "path": "items", "by": 1},
                {"type": "increment", "path": "visits"},
                {"type": "set", "path": "status", "value": "open"},
                {"type": "set", "path": ["totals", "eur"], "value": 10},
                {"type": "merge", "path": "owner", "value": {"name": "Al"}},
                {"type": "merge", "value": {"currency": "EUR"}},
                {"type": "remove", "path": "tmp"},
                {"type": "set", "path": "a.b", "value": "dots are part of the key"},
            ],
        )
        expected = {
            "items": 2,
            "visits": 1,
            "owner": {"id": "u1", "name": "Al"},
            "status": "open",
            "totals": {"eur": 10},
            "currency": "EUR",
            "a.b": "dots are part of the key",
        }
        assert result == {
            "old_value": {"items": 1, "owner": {"id": "u1"}, "tmp": True},
            "new_value": expected,
        }
        assert await state.get("carts", "c1") == expected
        replaced = await state.update("carts", "c1", [{"type": "set", "path": "", "value": [1]}])
        assert replaced["new_value"] == [1]
        fresh = await state.update("carts", "new", [IncrementOp(("n",), 5)])
        assert fresh == {"old_value": None, "new_value": {"n": 5}}

    run(make_backend, scenario)


@pytest.mark.parametrize(
    ("ops", "error", "message"),
    [
        ([{"type": "increment", "path": "name"}], TypeError, r"'g'/'k' failed: cannot increment path 'name'"),
        (
            [{"type": "merge", "path": "name", "value": {}}],
            TypeError,
            r"path 'name' is a string, not an object",
        ),
        (
            [{"type": "increment", "path": "n"}, {"type": "remove", "path": ["name", "x"]}],
            TypeError,
            "not an object",
        ),
        ([{"type": "merge", "value": [1]}], TypeError, r"op 0 \(merge\): 'value' must be an object"),
        ([{"type": "multiply", "path": "n"}], ValueError, r"op 0 has type 'multiply'"),
        ([{"type": "set", "path": "n", "val": 1}], ValueError, r"unexpected keys: val"),
        ([{"type": "set", "path": "n"}], ValueError, r"needs a 'value'"),
        (
            [{"type": "increment", "path": "n"}, {"type": "remove"}],
            ValueError,
            r"op 1 \(remove\) needs a non-empty",
        ),
        ([{"type": "increment", "path": "n", "by": "2"}], TypeError, r"'by' must be a number"),
        ([{"type": "set", "path": 3, "value": 1}], TypeError, r"'path' must be a key or a list"),
        ([{"type": "set", "path": "n", "value": {1, 2}}], TypeError, r"op 0 value must be a JSON value"),
        ({"type": "set", "path": "n", "value": 1}, TypeError, r"ops must be a list"),
    ],
)
def test_a_bad_update_is_refused_and_changes_nothing(
    make_backend: Callable[[], Backend], ops: Any, error: type[Exception], message: str
) -> None:
    async def scenario(state: BackendState) -> None:
        await state.set("g", "k", {"name": "Al", "n": 1})
        with pytest.raises(error, match=message):
            await state.update("g", "k", ops)
        assert await state.get("g", "k") == {"name": "Al", "n": 1}

    run(make_backend, scenario)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"when": {1, 2}}, r"\$\.when is of type set"),
        ((1, 2), r"\$ is of type tuple"),
        ({"n": math.nan}, r"\$\.n is nan"),
        ([1, {"x": math.inf}], r"\$\[1\]\.x is inf"),
        ({1: "one"}, r"\$ has the int key 1, but object keys must be strings"),
        (object(), r"\$ is of type object"),
        (b"bytes", r"\$ is of type bytes"),
    ],
)
def test_only_json_values_are_stored(
    make_backend: Callable[[], Backend], value: object, problem: str
) -> None:
    async def scenario(state: BackendState) -> None:
        with pytest.raises(
            TypeError, match=r"state value for 'orders'/'o-1' must be a JSON value; " + problem
        ):
            await state.set("orders", "o-1", value)
        assert await state.get("orders", "o-1") is None
        assert await state.list_groups() == []

    run(make_backend, scenario)


def test_group_and_key_must_be_strings(make_backend: Callable[[], Backend]) -> None:
    async def scenario(state: BackendState) -> None:
        with pytest.raises(TypeError, match="state key must be a string, not int"):
            await state.set("g", 1, "v")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="state group must be a string, not NoneType"):
            await state.get_group(None)  # type: ignore[arg-type]

    run(make_backend, scenario)


def test_concurrent_increments_lose_nothing(make_backend: Callable[[], Backend]) -> None:
    async def scenario(state: BackendState) -> None:
        async def bump(worker: int) -> None:
            for _ in range(25):
                await state.update("stats", "hits", [{"type": "increment", "path": "total", "by": 1}])
                await state.update("stats", "hits", [{"type": "increment", "path": f"w{worker}", "by": 2}])
                await asyncio.sleep(0)

        await asyncio.gather(*(bump(worker) for worker in range(8)))
        value = await state.get("stats", "hits")
        assert value["total"] == 200
        assert [value[f"w{worker}"] for worker in range(8)] == [50] * 8

    run(make_backend, scenario)
