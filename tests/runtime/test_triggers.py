"""The trigger helpers build the right, validated trigger objects."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from motia import (
    CronTrigger,
    HttpTrigger,
    QueryParam,
    QueueConfig,
    QueueTrigger,
    StateTrigger,
    StreamTrigger,
    api,
    cron,
    http,
    queue,
    state,
    stream,
)
from motia.triggers import HTTP_METHODS, as_trigger, trigger_from_mapping
from pydantic import BaseModel


class Order(BaseModel):
    order_id: str
    amount: float


def accept(input: Any, ctx: Any) -> bool:
    return True


async def middleware(req: Any, ctx: Any, next: Any) -> Any:
    return await next()


def test_http_builds_an_http_trigger() -> None:
    trigger = http("POST", "/orders/:id")
    assert trigger == HttpTrigger("POST", "/orders/:id")
    assert trigger.type == "http"
    assert (trigger.body_schema, trigger.response_schema, trigger.query_params) == (None, None, None)
    assert (trigger.middleware, trigger.condition) == (None, None)


@pytest.mark.parametrize("method", HTTP_METHODS)
def test_http_accepts_every_method(method: str) -> None:
    assert http(method, "/x").method == method  # type: ignore[arg-type]


def test_http_converts_pydantic_models_and_dicts() -> None:
    trigger = http(
        "POST",
        "/orders",
        body_schema=Order,
        response_schema={201: Order, 400: {"type": "object"}},
        query_params=[QueryParam("page", "Page number"), {"name": "sort"}],
        middleware=[middleware],
        condition=accept,
    )
    assert trigger.body_schema == Order.model_json_schema()
    assert trigger.response_schema == {201: Order.model_json_schema(), 400: {"type": "object"}}
    assert trigger.query_params == (QueryParam("page", "Page number"), QueryParam("sort"))
    assert trigger.middleware == (middleware,)
    assert trigger.condition is accept


def test_http_keeps_a_json_schema_dict_as_given() -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}}
    assert http("PUT", "/x", body_schema=schema).body_schema == schema


def test_http_lower_case_method_says_use_upper_case() -> None:
    with pytest.raises(ValueError, match=r"must be upper case: use 'POST'"):
        http("post", "/x")  # type: ignore[arg-type]


def test_http_unknown_method_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown HTTP method 'FETCH'; expected one of GET, POST"):
        http("FETCH", "/x")  # type: ignore[arg-type]


def test_http_path_must_start_with_a_slash() -> None:
    with pytest.raises(ValueError, match=r"must start with '/': use '/orders'"):
        http("GET", "orders")


def test_http_rejects_an_empty_path() -> None:
    with pytest.raises(ValueError, match="HTTP path must not be empty"):
        http("GET", "")


def test_direct_construction_is_validated_too() -> None:
    with pytest.raises(ValueError, match="upper case"):
        HttpTrigger("get", "/x")  # type: ignore[arg-type]


def test_http_rejects_a_non_schema_body() -> None:
    with pytest.raises(TypeError, match="body_schema must be a JSON Schema dict or a pydantic model class"):
        http("POST", "/x", body_schema="Order")  # type: ignore[arg-type]


def test_http_rejects_a_non_callable_condition_and_middleware() -> None:
    with pytest.raises(TypeError, match="condition must be a function"):
        http("GET", "/x", condition="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="each middleware must be a function"):
        http("GET", "/x", middleware=["auth"])  # type: ignore[list-item]


def test_api_is_a_deprecated_alias_of_http() -> None:
    with pytest.warns(DeprecationWarning, match=r"api\(\) is deprecated, use http\(\)"):
        trigger = api("GET", "/health", condition=accept)
    assert trigger == http("GET", "/health", condition=accept)


def test_queue_builds_a_queue_trigger() -> None:
    trigger = queue("order.created", input=Order, config=QueueConfig(max_retries=5), condition=accept)
    assert trigger == QueueTrigger(
        "order.created", Order.model_json_schema(), QueueConfig(max_retries=5), accept
    )
    assert trigger.type == "queue"


def test_queue_config_may_be_a_dict_in_either_spelling() -> None:
    expected = QueueConfig(type="fifo", max_retries=5, visibility_timeout=60)
    camel = queue("t", config={"type": "fifo", "maxRetries": 5, "visibilityTimeout": 60})
    snake = queue("t", config={"type": "fifo", "max_retries": 5, "visibility_timeout": 60})
    assert camel.config == snake.config == expected


def test_queue_rejects_an_empty_topic_and_a_bad_config() -> None:
    with pytest.raises(ValueError, match="queue topic must not be empty"):
        queue("")
    with pytest.raises(TypeError, match=r"queue config must be QueueConfig\(...\) or a dict"):
        queue("t", config=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown key 'retries' in queue config; did you mean 'maxRetries'"):
        queue("t", config={"retries": 5})


def test_cron_builds_a_cron_trigger() -> None:
    trigger = cron("0 9 * * *", condition=accept)
    assert trigger == CronTrigger("0 9 * * *", accept)
    assert trigger.type == "cron"
    with pytest.raises(ValueError, match="cron expression must not be empty"):
        cron("")


def test_state_builds_a_state_trigger() -> None:
    assert state() == StateTrigger()
    assert state(condition=accept).condition is accept
    assert state().type == "state"


def test_stream_builds_a_stream_trigger() -> None:
    trigger = stream("messages", group_id="room-1", item_id="m-1", condition=accept)
    assert trigger == StreamTrigger("messages", "room-1", "m-1", accept)
    assert trigger.type == "stream"
    with pytest.raises(ValueError, match="stream name must not be empty"):
        stream("")


def test_triggers_are_frozen() -> None:
    trigger = http("GET", "/x")
    with pytest.raises(AttributeError):
        trigger.path = "/y"  # type: ignore[misc]


def test_dict_triggers_convert_with_either_key_spelling() -> None:
    assert trigger_from_mapping({"type": "http", "method": "GET", "path": "/x", "bodySchema": Order}) == http(
        "GET", "/x", body_schema=Order
    )
    assert trigger_from_mapping({"type": "api", "method": "GET", "path": "/x"}) == http("GET", "/x")
    assert trigger_from_mapping({"type": "queue", "topic": "t", "config": {"maxRetries": 1}}) == queue(
        "t", config=QueueConfig(max_retries=1)
    )
    assert trigger_from_mapping({"type": "cron", "expression": "* * * * *"}) == cron("* * * * *")
    assert trigger_from_mapping({"type": "state"}) == state()
    assert trigger_from_mapping({"type": "stream", "streamName": "s", "group_id": "g"}) == stream(
        "s", group_id="g"
    )


def test_dict_trigger_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="unknown trigger type 'event'"):
        trigger_from_mapping({"type": "event", "topic": "t"})
    with pytest.raises(ValueError, match="http trigger is missing required key 'path'"):
        trigger_from_mapping({"type": "http", "method": "GET"})
    with pytest.raises(ValueError, match="unknown key 'subscribes' in queue trigger"):
        trigger_from_mapping({"type": "queue", "topic": "t", "subscribes": ["t"]})
    with pytest.raises(ValueError, match="gives 'stream_name' twice"):
        trigger_from_mapping({"type": "stream", "streamName": "a", "stream_name": "b"})


def test_as_trigger_passes_triggers_through_and_rejects_others() -> None:
    trigger = cron("* * * * *")
    assert as_trigger(trigger) is trigger
    with pytest.raises(TypeError, match="a trigger must be http"):
        as_trigger("GET /x")


def test_model_schemas_are_generated_only_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing a step file must not pay for JSON Schemas nobody reads: a built app's validators are
    compiled, so at start-up the schemas stay pydantic classes until something asks for them."""

    class Order(pydantic.BaseModel):
        id: str
        qty: int

    expected = Order.model_json_schema()
    calls: list[str] = []
    original = Order.model_json_schema.__func__  # type: ignore[attr-defined]

    def counting(cls: type[pydantic.BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(cls.__name__)
        return original(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(Order, "model_json_schema", classmethod(counting))
    trigger = queue("order.placed", input=Order)
    route = http("POST", "/orders", body_schema=Order, response_schema={201: Order})
    assert calls == []
    assert trigger.input == expected
    assert dict(route.response_schema or {})[201]["properties"]["qty"] == {"title": "Qty", "type": "integer"}
    assert calls == ["Order", "Order"]
    assert trigger.input == expected  # computed once per trigger
    assert calls == ["Order", "Order"]
