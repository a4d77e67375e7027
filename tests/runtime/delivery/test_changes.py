"""State and stream triggers: steps that run when state or a stream's items change, through the queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from motia import StateTriggerInput, Stream, StreamTriggerInput
from motia.clock import ManualClock
from motia.runtime import Runtime
from motia.spec import AppSpec, StateTriggerSpec, StepSpec, StreamSpec, StreamTriggerSpec
from motia.storage.memory import MemoryBackend
from motia.storage.sqlite import SqliteBackend
from motia.validation import schema_validator

from tests.runtime.specs import run, step, subscription

TODOS = StreamSpec("todos", "steps/todos_stream.py")


def changes_app(
    *,
    state_triggers: tuple[StateTriggerSpec, ...] = (),
    stream_triggers: tuple[StreamTriggerSpec, ...] = (),
    writer: StepSpec | None = None,
    streams: tuple[StreamSpec, ...] = (TODOS,),
) -> AppSpec:
    subscriptions = (subscription(writer, "write"),) if writer is not None else ()
    steps = {t.step.name: t.step for t in (*state_triggers, *stream_triggers, *subscriptions)}
    return AppSpec(
        steps=tuple(steps.values()),
        subscriptions=subscriptions,
        state_triggers=state_triggers,
        stream_triggers=stream_triggers,
        streams=streams,
    )


def recorder(name: str = "OnChange", *, form: str = "v1") -> tuple[StepSpec, list[tuple[Any, Any]]]:
    seen: list[tuple[Any, Any]] = []

    async def handler(change: Any, ctx: Any) -> None:
        seen.append((change, ctx))

    return step(handler, name, form=form), seen  # type: ignore[arg-type]


def test_a_stream_trigger_gets_create_update_and_delete_in_motias_shape() -> None:
    owner, seen = recorder()
    spec = changes_app(stream_triggers=(StreamTriggerSpec(owner, 0, "todos"),))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            todos = runtime.streams.todos
            await todos.set("inbox", "t1", {"title": "milk"})
            await todos.set("inbox", "t1", {"title": "oat milk"})
            await todos.delete("inbox", "t1")
            await todos.send({"groupId": "inbox"}, {"type": "typing", "data": {}})  # ephemeral: no trigger
            await runtime.wait_idle(5)

    run(scenario)
    changes = [change for change, _ in seen]
    assert [c.event.type for c in changes] == ["create", "update", "delete"]
    assert all(isinstance(c, StreamTriggerInput) for c in changes)
    first = changes[0]
    assert (first.stream_name, first.group_id, first.id) == ("todos", "inbox", "t1")
    assert first.event.data == {"title": "milk", "id": "t1"}
    assert changes[2].event.data == {"title": "oat milk", "id": "t1"}  # a delete carries the old item
    assert first["streamName"] == "todos"
    assert first["event"]["type"] == "create"
    assert isinstance(first["timestamp"], int)
    assert first.type == "stream"
    assert {ctx.trigger.type for _, ctx in seen} == {"stream"}


def test_stream_triggers_narrowed_to_a_group_or_an_item_and_by_condition() -> None:
    group_step, by_group = recorder("ByGroup")
    item_step, by_item = recorder("ByItem")
    cond_step, by_condition = recorder("ByCondition")

    async def only_done(change: StreamTriggerInput, ctx: Any) -> bool:
        return bool(change.event.data.get("done"))

    spec = changes_app(
        stream_triggers=(
            StreamTriggerSpec(group_step, 0, "todos", group_id="work"),
            StreamTriggerSpec(item_step, 0, "todos", item_id="t2"),
            StreamTriggerSpec(cond_step, 0, "todos", condition=only_done),
        )
    )

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            todos = runtime.streams.todos
            await todos.set("work", "t1", {"done": False})
            await todos.set("home", "t2", {"done": True})
            await todos.set("work", "t3", {"done": True})
            await runtime.wait_idle(5)

    run(scenario)
    assert sorted((c.group_id, c.id) for c, _ in by_group) == [("work", "t1"), ("work", "t3")]
    assert [(c.group_id, c.id) for c, _ in by_item] == [("home", "t2")]
    assert sorted(c.id for c, _ in by_condition) == ["t2", "t3"]


def test_a_state_trigger_gets_old_and_new_values_for_set_update_delete_and_clear() -> None:
    owner, seen = recorder()
    spec = changes_app(state_triggers=(StateTriggerSpec(owner, 0),), streams=())

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            state = runtime.state
            await state.set("users", "u1", {"visits": 1})
            await state.update("users", "u1", [{"type": "increment", "path": "visits"}])
            await state.delete("users", "u1")
            await state.delete("users", "nobody")  # nothing was there: no change
            await state.set("carts", "c1", [1])
            await state.clear("carts")
            await runtime.wait_idle(5)

    run(scenario)
    changes = [change for change, _ in seen]
    assert all(isinstance(c, StateTriggerInput) for c in changes)
    by_item: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
    for c in changes:
        by_item.setdefault((c.group_id, c.item_id), []).append((c.old_value, c.new_value))
    assert by_item == {
        ("users", "u1"): [(None, {"visits": 1}), ({"visits": 1}, {"visits": 2}), ({"visits": 2}, None)],
        ("carts", "c1"): [(None, [1]), ([1], None)],
    }
    assert changes[0]["groupId"] == "users"
    assert changes[0]["newValue"] == {"visits": 1}
    assert {ctx.trigger.type for _, ctx in seen} == {"state"}


def test_a_state_trigger_condition_decides_and_a_one_parameter_handler_gets_the_change() -> None:
    seen: list[StateTriggerInput] = []

    def handler(change: StateTriggerInput) -> None:  # sync, input only (Motia 1.x)
        seen.append(change)

    owner = step(handler, "Users", form="v1", arity=1)
    only_users = StateTriggerSpec(owner, 0, condition=lambda change, ctx: change.group_id == "users")
    spec = changes_app(state_triggers=(only_users,), streams=())

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.state.set("users", "u1", 1)
            await runtime.state.set("orders", "o1", 2)
            await runtime.wait_idle(5)

    run(scenario)
    assert [(c.group_id, c.item_id) for c in seen] == [("users", "u1")]


def test_changes_of_one_item_reach_a_trigger_in_order_with_the_writers_trace_id() -> None:
    owner, seen = recorder()

    async def writer(data: Any, ctx: Any) -> None:
        for n in range(20):
            await ctx.state.set("counters", "c", n)

    spec = changes_app(
        state_triggers=(StateTriggerSpec(owner, 0),), writer=step(writer, "Writer"), streams=()
    )

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("write", {}, trace_id="trace-w")
            await runtime.wait_idle(5)

    run(scenario)
    assert [change.new_value for change, _ in seen] == list(range(20))
    assert {ctx.trace_id for _, ctx in seen} == {"trace-w"}


def test_a_failing_trigger_is_retried_then_dead_lettered_with_its_reason() -> None:
    attempts: list[str] = []

    async def handler(change: Any, ctx: Any) -> None:
        attempts.append(change.id)
        raise RuntimeError("search index down")

    owner = step(handler, "Index", form="v1")
    spec = changes_app(stream_triggers=(StreamTriggerSpec(owner, 0, "todos"),))

    async def scenario() -> None:
        clock = ManualClock()
        async with Runtime(spec, MemoryBackend(), clock=clock) as runtime:
            await runtime.streams.todos.set("inbox", "t1", {"title": "x"})
            for _ in range(4):
                await runtime.queue.wait_settled()
                clock.advance(60)
            await runtime.wait_idle(5)
            dead = await runtime.dead_letters()
        assert attempts == ["t1"] * 4  # the first delivery and three retries
        assert len(dead) == 1
        assert dead[0].topic == "__motia.stream:todos"
        assert dead[0].subscriber == "Index::stream(todos)"
        assert dead[0].reason == "RuntimeError: search index down"

    run(scenario)


def test_a_change_survives_a_restart_before_its_trigger_ran(tmp_path: Path) -> None:
    owner, seen = recorder()
    spec = changes_app(state_triggers=(StateTriggerSpec(owner, 0),), streams=())
    path = tmp_path / "motia.sqlite3"

    async def write() -> None:
        runtime = Runtime(spec, SqliteBackend(path), close_backend=True)
        await runtime.state.set("users", "u1", "ada")  # stored and enqueued; the runtime never starts
        await runtime.backend.close()

    async def restart() -> None:
        async with Runtime(spec, SqliteBackend(path), close_backend=True) as runtime:
            await runtime.wait_idle(5)

    run(write)
    assert seen == []
    run(restart)
    assert [(c.item_id, c.new_value) for c, _ in seen] == [("u1", "ada")]


class CountingBackend(MemoryBackend):
    """Counts the calls a write might add: reading the old value, and enqueueing."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    async def get(self, namespace: str, group: str, key: str) -> Any:
        self.calls.append("get")
        return await super().get(namespace, group, key)

    async def update(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append("update")
        return await super().update(*args, **kwargs)

    async def enqueue(self, messages: Any) -> list[str]:
        self.calls.append("enqueue")
        return await super().enqueue(messages)


@pytest.mark.parametrize("with_triggers", [False, True])
def test_without_triggers_a_write_reads_nothing_and_enqueues_nothing(with_triggers: bool) -> None:
    owner, _ = recorder()
    spec = changes_app(
        state_triggers=(StateTriggerSpec(owner, 0),) if with_triggers else (),
        stream_triggers=(StreamTriggerSpec(owner, 0, "todos"),) if with_triggers else (),
    )

    backend = CountingBackend()

    async def scenario() -> None:
        runtime = Runtime(spec, backend)  # not started: the writes alone are counted
        await runtime.state.set("users", "u1", 1)
        await runtime.streams.todos.set("g", "t1", {"a": 1})

    run(scenario)
    calls = backend.calls
    if with_triggers:  # the same writes with triggers: each reads its old value and enqueues the change
        assert calls.count("update") == 2
        assert calls.count("enqueue") == 2
    else:
        assert calls == []


def test_the_runtimes_own_topics_cannot_be_emitted_to() -> None:
    owner, _ = recorder()
    spec = changes_app(state_triggers=(StateTriggerSpec(owner, 0),), streams=())

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            with pytest.raises(ValueError, match="runtime's own"):
                await runtime.emit("__motia.state", {"groupId": "g", "itemId": "k"})

    run(scenario)


# -- Stream("name") handles and update ops --------------------------------------------------------------

SCORES = StreamSpec(
    "scores",
    "steps/scores_stream.py",
    schema=schema_validator(
        {
            "type": "object",
            "properties": {"points": {"type": "integer", "minimum": 0}},
            "required": ["points"],
        },
        "stream item",
    ),
)
scores: Stream[dict[str, Any]] = Stream("scores")


def test_a_stream_handle_works_in_handlers_with_update_ops_and_list_groups() -> None:
    results: dict[str, Any] = {}

    async def handler(data: Any, ctx: Any) -> None:
        await scores.set("game-1", "ada", {"points": 1})
        results["update"] = await scores.update(
            "game-1", "ada", [{"type": "increment", "path": "points", "by": 4}]
        )
        await scores.set("game-2", "bob", {"points": 0})
        results["groups"] = await scores.list_groups()
        results["group"] = await scores.get_group("game-1")
        with pytest.raises(ValueError, match="points"):  # the schema refuses negative points: nothing changes
            await scores.update("game-1", "ada", [{"type": "decrement", "path": "points", "by": 10}])
        results["after"] = await scores.get("game-1", "ada")

    spec = changes_app(writer=step(handler, "Scorer"), streams=(SCORES,))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("write", {})
            await runtime.wait_idle(5)
            assert await scores.get("game-2", "bob") == {"points": 0, "id": "bob"}  # the running app's

    run(scenario)
    assert results["update"] == {
        "old_value": {"points": 1, "id": "ada"},
        "new_value": {"points": 5, "id": "ada"},
    }
    assert results["groups"] == ["game-1", "game-2"]
    assert results["group"] == [{"points": 5, "id": "ada"}]
    assert results["after"] == {"points": 5, "id": "ada"}


def test_a_stream_handle_outside_a_running_app_says_so() -> None:
    async def scenario() -> None:
        with pytest.raises(RuntimeError, match="outside a running app"):
            await scores.get("game-1", "ada")

    run(scenario)


def test_an_update_that_creates_an_item_is_a_create_for_triggers() -> None:
    owner, seen = recorder()
    spec = changes_app(stream_triggers=(StreamTriggerSpec(owner, 0, "todos"),))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            todos = runtime.streams.todos
            await todos.update("inbox", "t9", [{"type": "set", "path": "title", "value": "new"}])
            await todos.update("inbox", "t9", [{"type": "set", "path": "done", "value": True}])
            await runtime.wait_idle(5)

    run(scenario)
    assert [(c.event.type, c.event.data) for c, _ in seen] == [
        ("create", {"title": "new", "id": "t9"}),
        ("update", {"title": "new", "id": "t9", "done": True}),
    ]
