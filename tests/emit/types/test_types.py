"""The types package: schema naming and shaping, generated model text, and determinism."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motia_gen.emit.types.models import HEADER, generate_models
from motia_gen.emit.types.package import types_files
from motia_gen.emit.types.schemas import SchemaBook
from motia_gen.frontend import Overrides, validate_app
from tests.golden_runner import BAD_HANDLERS, cases

TYPED = [c for c in cases() if (c / BAD_HANDLERS).is_dir()]


def _models(owner: str, schema: dict[str, Any]) -> str:
    book = SchemaBook()
    book.add(owner, schema)
    return generate_models(book.document(), cache_dir=None)


def test_nested_unions_and_maps_are_written_in_place() -> None:
    schema = {
        "type": "object",
        "properties": {
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Note"},
            "tags": {"type": "object", "additionalProperties": {"type": "integer"}, "title": "Tags"},
            "limits": {
                "type": "object",
                "additionalProperties": {"type": "object", "properties": {"max": {"type": "integer"}}},
            },
        },
        "required": ["note"],
    }
    text = _models("Order", schema)
    assert "    note: str | None\n" in text
    assert "    tags: NotRequired[dict[str, int]]\n" in text
    assert "    limits: NotRequired[dict[str, OrderLimitsValue]]\n" in text
    assert "TypeAlias" not in text  # no alias for a union or a map of its own


def test_union_options_that_are_objects_are_named_after_their_place() -> None:
    schema = {
        "type": "object",
        "properties": {
            "payment": {
                "oneOf": [
                    {"type": "object", "properties": {"kind": {"const": "card"}}, "required": ["kind"]},
                    {"type": "object", "properties": {"kind": {"const": "cash"}}, "required": ["kind"]},
                ]
            }
        },
    }
    text = _models("Checkout", schema)
    assert "payment: NotRequired[CheckoutPaymentOption1 | CheckoutPaymentOption2]" in text
    assert "    kind: Literal['card']\n" in text


def test_keys_keep_the_order_of_the_schema() -> None:
    schema = {
        "type": "object",
        "properties": {"zeta": {"type": "string"}, "alpha": {"type": "integer"}, "mid": {"type": "number"}},
    }
    text = _models("Ordered", schema)
    assert text.index("zeta:") < text.index("alpha:") < text.index("mid:")


def test_the_document_root_becomes_no_type() -> None:
    text = _models("Thing", {"type": "object", "properties": {"id": {"type": "string"}}})
    assert "MotiaSchemas" not in text
    assert "Any" not in text


def test_an_app_without_schemas_gets_a_models_module_with_nothing_in_it() -> None:
    text = generate_models(SchemaBook().document(), cache_dir=None)
    assert text == f"{HEADER}\n"


@pytest.mark.parametrize("case", TYPED, ids=lambda p: p.name)
def test_generating_twice_gives_identical_bytes(case: Path, tmp_path: Path) -> None:
    app = validate_app(case, Overrides(use_cache=False)).app
    first = types_files(app, "motia_types", cache_dir=None)
    again = types_files(validate_app(case, Overrides(use_cache=False)).app, "motia_types", cache_dir=None)
    cached_miss = types_files(app, "motia_types", cache_dir=tmp_path)
    cached_hit = types_files(app, "motia_types", cache_dir=tmp_path)
    assert {k: v.encode() for k, v in first.items()} == {k: v.encode() for k, v in again.items()}
    assert first == cached_miss == cached_hit


def test_an_undescribed_trigger_input_does_not_swallow_the_described_ones(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "hub_step.py").write_text(
        "from motia import cron, http, queue, state\n\n"
        "config = {\n"
        '    "name": "Hub",\n'
        '    "triggers": [\n'
        '        http("POST", "/hub", body_schema={"type": "object"}),\n'
        '        queue("hub.poked", input={"type": "object", "properties": {"b": {"type": "integer"}}}),\n'
        '        cron("0 * * * *"),\n'
        '        queue("hub.raw"),\n'
        "    ],\n"
        "}\n\n\n"
        "async def handler(input, ctx):\n"
        "    return None\n",
        encoding="utf-8",
    )
    app = validate_app(tmp_path, Overrides(use_cache=False)).app
    module = types_files(app, "motia_types", cache_dir=None)["motia_types/steps/hub.py"]
    assert "Input: TypeAlias = Request | _models.HubPoked | Any | None\n" in module


def test_state_and_stream_trigger_inputs_are_typed_by_the_stream_items(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "todos_stream.py").write_text(
        'config = {"name": "todos", "schema": {"type": "object", "properties": {"t": {"type": "string"}}}}\n',
        encoding="utf-8",
    )
    (tmp_path / "steps" / "watch_step.py").write_text(
        "from motia import state, stream\n\n"
        'config = {"name": "Watch", "triggers": [state(), stream("todos"), stream("elsewhere")]}\n\n\n'
        "async def handler(input, ctx):\n"
        "    return None\n",
        encoding="utf-8",
    )
    app = validate_app(tmp_path, Overrides(use_cache=False)).app
    module = types_files(app, "motia_types", cache_dir=None)["motia_types/steps/watch.py"]
    expected = "StateTriggerInput | StreamTriggerInput[streams.Todos] | StreamTriggerInput\n"
    assert f"Input: TypeAlias = {expected}" in module
    assert "from motia import FlowContext, StateTriggerInput, StreamStore, StreamTriggerInput\n" in module


def test_step_types_are_named_for_their_own_step() -> None:
    """Identical request or response schemas of two steps are two types, so mypy's messages about one
    step never name the other's; within a step, and for topics, identical schemas share one type."""
    book = SchemaBook()
    error = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
    cancel = book.add("CancelOrderResponse404", error, scope="CancelOrder")
    create = book.add("CreateOrderResponse401", error, scope="CreateOrder")
    again = book.add("CreateOrderResponse404", error, scope="CreateOrder")
    topic = book.add("OrderFailed", error)
    assert (cancel, create, again) == ("CancelOrderResponse404", "CreateOrderResponse401", create)
    assert book.add("OrderFailedAgain", error) == topic
