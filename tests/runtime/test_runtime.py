"""The runtime: queue subscribers with their handler contexts, emits limited to declared topics, input
checks and conditions, FIFO groups, stream items, cron runs and the lifecycle."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import motia
import pydantic
import pytest
from motia.clock import ManualClock
from motia.runtime import Runtime, UndeclaredTopicError
from motia.spec import CronSpec, RuntimeSettings, StreamSpec
from motia.storage.memory import MemoryBackend
from motia.streams.store import StreamEvent
from motia.triggers import QueueConfig
from motia.validation import InvalidData, schema_validator

from tests.runtime.specs import app, route, run, step, subscription


class Pet(pydantic.BaseModel):
    name: str


NAMED = schema_validator(
    {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}, "stream item"
)


def test_an_event_reaches_every_subscriber_with_the_emitters_trace_id() -> None:
    seen: list[tuple[str, Any, str]] = []

    async def first(data: Any, ctx: Any) -> None:
        seen.append(("first", data, ctx.trace_id))
        await ctx.emit({"topic": "b", "data": {"from": "first"}})

    async def second(data: Any, ctx: Any) -> None:
        seen.append(("second", data, ctx.trace_id))

    async def also(data: Any) -> None:  # a 1.x handler taking only the input
        seen.append(("also", data, ""))

    spec = app(
        subscriptions=(
            subscription(step(first, "First", enqueues={"b"}), "a"),
            subscription(step(second, "Second"), "b"),
            subscription(step(also, "Also", form="v1", arity=1), "b"),
        )
    )

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("a", {"n": 1}, trace_id="trace-1")
            await runtime.wait_idle(10)
        assert sorted(seen) == [
            ("also", {"from": "first"}, ""),
            ("first", {"n": 1}, "trace-1"),
            ("second", {"from": "first"}, "trace-1"),
        ]

    run(scenario)


def test_the_handler_context() -> None:
    contexts: list[Any] = []

    async def handler(data: Any, ctx: Any) -> None:
        contexts.append(ctx)
        await ctx.state.set("seen", "n", data["n"])

    spec = app(subscriptions=(subscription(step(handler, "H", flows=("orders",)), "t", index=3),))

    async def scenario() -> None:
        backend = MemoryBackend()
        runtime = Runtime(spec, backend)
        await runtime.start()
        await runtime.emit("t", {"n": 1}, trace_id="tr")
        await runtime.wait_idle(10)
        await runtime.stop()
        ctx = contexts[0]
        assert ctx.trace_id == "tr"
        assert (ctx.trigger.type, ctx.trigger.index, ctx.trigger.topic) == ("queue", 3, "t")
        assert await runtime.state.get("seen", "n") == 1  # ctx.state is the runtime's state

    run(scenario)


def test_emitting_an_undeclared_topic_raises() -> None:
    errors: list[BaseException] = []

    async def declared_some(data: Any, ctx: Any) -> None:
        try:
            await ctx.enqueue({"topic": "other", "data": {}})
        except UndeclaredTopicError as error:
            errors.append(error)

    async def declared_none(data: Any, ctx: Any) -> None:
        try:
            await motia.enqueue({"topic": "anything", "data": {}})
        except UndeclaredTopicError as error:
            errors.append(error)

    spec = app(
        subscriptions=(
            subscription(step(declared_some, "Some", enqueues={"ok", "fine"}), "t"),
            subscription(step(declared_none, "None"), "t"),
        )
    )

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("t", {})
            await runtime.wait_idle(10)
            assert await runtime.dead_letters() == []

    run(scenario)
    messages = sorted(str(error) for error in errors)
    assert messages == [
        "step 'None' emitted topic 'anything', but it declares no topics; add the topic to the step's "
        "enqueues (emits in classic configs)",
        "step 'Some' emitted topic 'other', but it declares only 'fine', 'ok'; add the topic to the step's "
        "enqueues (emits in classic configs)",
    ]


def test_module_level_enqueue_sends_from_the_running_handler_even_in_a_thread() -> None:
    received: list[tuple[Any, str]] = []
    threads: list[threading.Thread] = []

    def sync_handler(req: Any, ctx: Any) -> dict[str, Any]:
        threads.append(threading.current_thread())
        return {"status": 200}

    async def http_handler(req: Any, ctx: Any) -> dict[str, Any]:
        await motia.enqueue({"topic": "done", "data": req.body, "messageGroupId": "g"})
        return {"status": 202}

    async def listener(data: Any, ctx: Any) -> None:
        received.append((data, ctx.trace_id))

    spec = app(
        routes=(
            route(step(http_handler, "Api", enqueues={"done"}), "POST", "/go"),
            route(step(sync_handler, "Sync"), "GET", "/sync"),
        ),
        subscriptions=(subscription(step(listener, "Listener"), "done"),),
    )

    async def scenario() -> None:
        async with motia.TestApp(spec) as client:
            response = await client.post("/go", json={"x": 1})
            assert response.status_code == 202
            await client.wait_idle()
            assert received == [({"x": 1}, response.headers["x-trace-id"])]
            assert (await client.get("/sync")).status_code == 200
            assert threads[0] is not threading.main_thread()

    run(scenario)


def test_invalid_input_goes_to_the_dead_letters_without_running_the_handler() -> None:
    calls: list[Any] = []

    async def handler(data: Any, ctx: Any) -> None:
        calls.append(data)

    order = schema_validator(
        {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}, "input"
    )
    spec = app(subscriptions=(subscription(step(handler, "Ship"), "order", input=order),))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("order", {"id": 7})
            await runtime.emit("order", {"id": "o-1"})
            await runtime.wait_idle(10)
            dead = await runtime.dead_letters()
        assert calls == [{"id": "o-1"}]
        assert len(dead) == 1
        assert dead[0].payload == {"id": 7}
        assert dead[0].attempts == 1
        assert dead[0].reason.startswith("invalid input: /id: 7 is not of type 'string'")

    run(scenario)


def test_a_false_condition_acknowledges_the_message_without_the_handler() -> None:
    calls: list[Any] = []

    async def big(data: Any, ctx: Any) -> bool:
        return bool(data["amount"] > 100)

    async def handler(data: Any, ctx: Any) -> None:
        calls.append(data)

    spec = app(subscriptions=(subscription(step(handler), "pay", condition=big),))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("pay", {"amount": 5})
            await runtime.emit("pay", {"amount": 500})
            await runtime.wait_idle(10)
            assert await runtime.queue.pending() == 0
            assert await runtime.dead_letters() == []
        assert calls == [{"amount": 500}]

    run(scenario)


def test_a_failing_handler_is_retried_then_dead_lettered_with_its_fifo_group() -> None:
    attempts: list[str] = []

    async def handler(data: Any, ctx: Any) -> None:
        attempts.append(ctx.trace_id)
        raise ValueError("payment provider down")

    fifo = QueueConfig(type="fifo", max_retries=1, backoff_delay_ms=1000)
    spec = app(subscriptions=(subscription(step(handler, "Pay"), "pay", queue=fifo),))

    async def scenario() -> None:
        clock = ManualClock()
        async with Runtime(spec, MemoryBackend(), clock=clock) as runtime:
            await runtime.emit("pay", {"n": 1}, group_id="customer-1", trace_id="t1")
            await runtime.queue.wait_settled()
            clock.advance(1)
            await runtime.wait_idle(10)
            dead = await runtime.dead_letters()
        assert attempts == ["t1", "t1"]
        assert len(dead) == 1
        assert (dead[0].group_id, dead[0].fifo_group, dead[0].attempts) == ("customer-1", "customer-1", 2)
        assert dead[0].reason == "ValueError: payment provider down"

    run(scenario)


def test_a_handlers_emit_passes_its_message_group_id() -> None:
    async def producer(data: Any, ctx: Any) -> None:
        await ctx.emit({"topic": "line", "data": data, "messageGroupId": data["group"]})

    async def consumer(data: Any, ctx: Any) -> None:
        raise RuntimeError("keep it")

    spec = app(
        subscriptions=(
            subscription(step(producer, "Producer", enqueues={"line"}), "start"),
            subscription(step(consumer, "Consumer"), "line", queue=QueueConfig(type="fifo", max_retries=0)),
        )
    )

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("start", {"group": "g-7"})
            await runtime.wait_idle(10)
            dead = await runtime.dead_letters(topic="line")
        assert [(d.group_id, d.payload) for d in dead] == [("g-7", {"group": "g-7"})]

    run(scenario)


def test_bad_emits_are_refused() -> None:
    errors: list[str] = []

    async def handler(data: Any, ctx: Any) -> None:
        for message in ({"data": {}}, {"topic": "t2", "data": {}, "messageGroupId": 3}, "t2"):
            try:
                await ctx.emit(message)
            except TypeError as error:
                errors.append(str(error))

    spec = app(subscriptions=(subscription(step(handler, "H", enqueues={"t2"}), "t"),))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("t", {})
            await runtime.wait_idle(10)
            with pytest.raises(TypeError, match="non-empty string"):
                await runtime.emit("", {})
            with pytest.raises(TypeError, match="JSON value"):
                await runtime.emit("t", {"when": object()})

    run(scenario)
    assert errors == [
        "step 'H': an emitted message needs a 'topic' string",
        "step 'H': messageGroupId must be a string, not int",
        "an emitted message must be a dict with 'topic' and 'data', not str",
    ]


def test_one_step_may_subscribe_twice_to_a_topic() -> None:
    seen: list[int] = []

    async def handler(data: Any, ctx: Any) -> None:
        seen.append(ctx.trigger.index)

    twice = step(handler, "Twice")
    spec = app(subscriptions=(subscription(twice, "t", index=0), subscription(twice, "t", index=1)))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend()) as runtime:
            await runtime.emit("t", {})
            await runtime.wait_idle(10)

    run(scenario)
    assert sorted(seen) == [0, 1]


def test_stream_items_are_validated_and_stored_with_their_id() -> None:
    events: list[StreamEvent] = []

    async def listen(event: StreamEvent) -> None:
        events.append(event)

    spec = app(
        streams=(StreamSpec("pets", "streams/pets_stream.py", NAMED), StreamSpec("live-scores", "s.py"))
    )

    async def scenario() -> None:
        runtime = Runtime(spec, MemoryBackend())
        pets = runtime.streams.pets
        assert await pets.set("g", "p1", {"name": "Rex"}) == {"name": "Rex", "id": "p1"}
        with pytest.raises(InvalidData, match="invalid stream item"):
            await pets.set("g", "p2", {"name": 5})
        assert await pets.get("g", "p2") is None
        assert await pets.get("g", "p1") == {"name": "Rex", "id": "p1"}
        assert await pets.set("g", "p4", Pet(name="Tom")) == {"name": "Tom", "id": "p4"}
        assert await pets.delete("g", "p4") == {"name": "Tom", "id": "p4"}
        runtime.streams.listeners.append(listen)
        await pets.set("g", "p1", {"name": "Max"})
        await pets.set("g", "p3", {"name": "Kit"})
        assert await pets.get_group("g") == [{"name": "Max", "id": "p1"}, {"name": "Kit", "id": "p3"}]
        assert await pets.getGroup("g") == await pets.get_group("g")
        assert await pets.delete("g", "p3") == {"name": "Kit", "id": "p3"}
        assert await pets.delete("g", "p3") is None
        await pets.send({"groupId": "g"}, {"type": "typing", "data": {"who": "u1"}})
        assert [(e.type, e.item_id) for e in events] == [
            ("update", "p1"),
            ("create", "p3"),
            ("delete", "p3"),
            ("event", None),
        ]
        assert events[-1].data == {"type": "typing", "data": {"who": "u1"}}
        scores = runtime.streams["live-scores"]
        assert await scores.set("m", "1", [1, 2]) == [1, 2]  # no schema, not an object: stored as it is
        assert "pets" in runtime.streams
        with pytest.raises(AttributeError, match="no stream named 'cats' \\(streams: live-scores, pets\\)"):
            _ = runtime.streams.cats
        with pytest.raises(TypeError, match="must be a JSON value"):
            await scores.set("m", "2", {"at": object()})
        with pytest.raises(TypeError, match="group id must be a string"):
            await pets.get(1, "x")
        await runtime.backend.close()

    run(scenario)


def test_run_cron_runs_the_handler_once_with_a_new_trace_id() -> None:
    calls: list[tuple[Any, ...]] = []

    async def classic(ctx: Any) -> None:
        calls.append(("classic", ctx.trace_id, ctx.trigger.expression))

    async def v1(input: Any, ctx: Any) -> None:
        calls.append(("v1", input, ctx.trigger.type))

    def never(input: Any, ctx: Any) -> bool:
        return False

    classic_job = CronSpec(step(classic, "Classic"), 0, "*/5 * * * *")
    v1_job = CronSpec(step(v1, "V1", form="v1"), 1, "0 0 * * *")
    skipped = CronSpec(step(v1, "Skipped", form="v1"), 0, "0 0 * * *", condition=never)
    spec = app(crons=(classic_job, v1_job, skipped))

    async def scenario() -> None:
        async with Runtime(spec, MemoryBackend(), cron=False) as runtime:
            await runtime.run_cron(classic_job)
            await runtime.run_cron(classic_job)
            await runtime.run_cron(v1_job)
            await runtime.run_cron(skipped)

    run(scenario)
    assert [call[0] for call in calls] == ["classic", "classic", "v1"]
    assert calls[0][1] != calls[1][1]
    assert calls[0][2] == "*/5 * * * *"
    assert calls[2] == ("v1", None, "cron")


def test_the_scheduler_runs_cron_jobs_on_their_schedule() -> None:
    runs: list[str] = []

    async def tick(ctx: Any) -> None:
        runs.append(ctx.trace_id)

    spec = app(
        crons=(CronSpec(step(tick, "Tick"), 0, "* * * * *"),), settings=RuntimeSettings(timezone="UTC")
    )

    async def scenario() -> None:
        clock = ManualClock(60.0 * 1000)  # on a minute boundary
        async with Runtime(spec, MemoryBackend(), clock=clock) as runtime:
            clock.advance(60)
            for _ in range(100):
                if runs:
                    break
                await asyncio.sleep(0)
            assert runtime.started

    run(scenario)
    assert len(runs) == 1


def test_start_and_stop_are_idempotent_and_close_an_owned_backend() -> None:
    closed: list[bool] = []

    class Backend(MemoryBackend):
        async def close(self) -> None:
            closed.append(True)

    async def scenario() -> None:
        runtime = Runtime(app(), Backend(), close_backend=True)
        await runtime.stop()
        await runtime.start()
        await runtime.start()
        assert runtime.started
        await runtime.stop()
        await runtime.stop()
        assert not runtime.started

    run(scenario)
    assert closed == [True]


def test_steps_are_found_by_name() -> None:
    async def handler(data: Any, ctx: Any) -> None:
        return None

    listener = step(handler, "Listener")
    runtime = Runtime(app(subscriptions=(subscription(listener, "t"),)), MemoryBackend())
    assert runtime.step("Listener") is listener
    with pytest.raises(KeyError, match="no step named 'Nope'"):
        runtime.step("Nope")
