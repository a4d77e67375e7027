"""StepConfig and the two `step()` forms."""

from __future__ import annotations

from typing import Any

import pytest
from motia import Enqueue, StepBuilder, StepConfig, StepDefinition, cron, http, queue, step


async def handler(input: Any, ctx: Any) -> None:
    return None


def config(**overrides: Any) -> StepConfig:
    fields: dict[str, Any] = {"name": "ProcessOrder", "triggers": [queue("order.created")]}
    return StepConfig(**(fields | overrides))


def test_step_config_stores_lists_as_tuples() -> None:
    built = config(
        enqueues=["order.processed", Enqueue("audit", label="maybe", conditional=True)],
        virtual_enqueues=["x"],
        virtual_subscribes=["y"],
        flows=["orders"],
        include_files=["data/*.json"],
        description="Processes orders",
    )
    assert built.triggers == (queue("order.created"),)
    assert built.enqueues == ("order.processed", Enqueue("audit", "maybe", True))
    assert built.virtual_enqueues == ("x",)
    assert built.virtual_subscribes == ("y",)
    assert built.flows == ("orders",)
    assert built.include_files == ("data/*.json",)
    assert built.description == "Processes orders"


def test_step_config_defaults() -> None:
    built = config()
    assert built.enqueues == ()
    assert (built.virtual_enqueues, built.virtual_subscribes, built.flows, built.include_files) == (None,) * 4


def test_step_config_is_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        StepConfig("ProcessOrder", [])  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        config().name = "Other"  # type: ignore[misc]


def test_step_config_converts_dict_triggers_and_enqueues() -> None:
    built = config(
        triggers=[{"type": "http", "method": "POST", "path": "/orders"}],
        enqueues=[{"topic": "order.created", "conditional": True}],
    )
    assert built.triggers == (http("POST", "/orders"),)
    assert built.enqueues == (Enqueue("order.created", conditional=True),)


def test_step_config_validation_errors() -> None:
    with pytest.raises(ValueError, match="step name must not be empty"):
        config(name="")
    with pytest.raises(TypeError, match="step 'ProcessOrder' flows must be a list of strings, not str"):
        config(flows="orders")
    with pytest.raises(TypeError, match="a trigger must be http"):
        config(triggers=["order.created"])
    with pytest.raises(TypeError, match="must be a topic string, Enqueue"):
        config(enqueues=[1])


def test_step_config_from_a_dict_in_either_spelling() -> None:
    expected = config(virtual_enqueues=["x"], include_files=["a.txt"])
    camel = StepConfig.from_mapping(
        {
            "name": "ProcessOrder",
            "triggers": [queue("order.created")],
            "virtualEnqueues": ["x"],
            "includeFiles": ["a.txt"],
        }
    )
    snake = StepConfig.from_mapping(
        {
            "name": "ProcessOrder",
            "triggers": [queue("order.created")],
            "virtual_enqueues": ["x"],
            "include_files": ["a.txt"],
        }
    )
    assert camel == snake == expected


def test_classic_dict_keys_are_rejected_with_their_1x_name() -> None:
    with pytest.raises(ValueError, match="unknown key 'emits' in step config; use 'enqueues'"):
        StepConfig.from_mapping({"name": "X", "triggers": [], "emits": []})
    with pytest.raises(ValueError, match="step config is missing required key 'triggers'"):
        StepConfig.from_mapping({"name": "X"})


def test_step_with_a_handler_is_a_definition() -> None:
    definition = step(config(), handler)
    assert definition == StepDefinition(config(), handler)
    assert definition.handler is handler


def test_step_without_a_handler_is_a_builder() -> None:
    builder = step(config())
    assert isinstance(builder, StepBuilder)
    assert builder.handle(handler) == StepDefinition(config(), handler)


def test_step_accepts_a_dict_config() -> None:
    definition = step({"name": "Tick", "triggers": [cron("* * * * *")], "enqueues": ["tick"]}, handler)
    assert definition.config == StepConfig(name="Tick", triggers=[cron("* * * * *")], enqueues=["tick"])


def test_step_rejects_a_non_callable_handler() -> None:
    with pytest.raises(TypeError, match="handler of step 'ProcessOrder' must be a function"):
        step(config(), "handler")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="handler of step 'ProcessOrder' must be a function"):
        step(config()).handle(42)  # type: ignore[arg-type]


def test_a_definition_with_triggers_needs_a_handler() -> None:
    with pytest.raises(ValueError, match="step 'ProcessOrder' has triggers but no handler"):
        StepDefinition(config(), None)
    assert StepDefinition(config(triggers=[]), None).handler is None
