"""`motia typecheck` in its two modes: by default what the app's contract decides plus the app's own
`[tool.mypy]` settings (its plugins included, when installed outside the app); `--strict` everything."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from motia_gen.cli.types import run_typecheck
from motia_gen.diagnostics import Span
from motia_gen.frontend import Overrides
from motia_gen.typecheck.config import UnsafeConfigValue, config_text, mypy_options
from motia_gen.typecheck.shadow import HandlerTie, shadow_source

STEP = """\
from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, http

from steps.helpers import audit, stamp
from steps.models import Order


async def log_requests(req, ctx, next):
    return await next()


config = {
    "name": "Place",
    "triggers": [http("POST", "/orders", body_schema=Order, middleware=[log_requests])],
    "enqueues": [],
}


def handler(request: ApiRequest[Any], ctx: FlowContext[Any]) -> ApiResponse[Any]:
    order = Order(**request.body)
    audit(order.item)
    return ApiResponse(status=201, body={"item": order.item, "at": stamp()})
"""
HELPERS = """\
import not_installed_anywhere


def audit(item):
    not_installed_anywhere.send(item)


def stamp():
    return "now"
"""
MODELS = """\
import datetime as dt
import uuid

from pydantic import BaseModel


class Order(BaseModel):
    item: str
    quantity: int = 1
    placed_at: dt.datetime
    ref: uuid.UUID | None = None
"""
PLACE_UNANNOTATED = """\
from motia import http

from steps.models import Order

config = {"name": "Place", "triggers": [http("POST", "/orders", body_schema=Order)], "enqueues": []}


def handler(req, ctx):
    order = Order(**req.body)  # the body holds JSON: an ISO string for placed_at
    return {"status": 201, "body": {"item": order.item, "at": order.placed_at.isoformat()}}
"""


def _app(tmp_path: Path, mypy: str = "") -> Path:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    files = {"steps/place_step.py": STEP, "steps/helpers.py": HELPERS, "steps/models.py": MODELS}
    for name, text in files.items():
        (app / name).write_text(text, encoding="utf-8")
    (app / "pyproject.toml").write_text(f'[project]\nname = "app"\n\n[tool.mypy]\n{mypy}', encoding="utf-8")
    return app


def _errors(app: Path, *, strict: bool) -> list[str]:
    diagnostics = run_typecheck(app, Overrides(use_cache=False), strict=strict)[1]
    return [f"{d.span.file}:{d.span.line} {d.message}" for d in diagnostics if d.severity == "error"]


@pytest.mark.slow
def test_default_mode_reports_nothing_on_a_correct_app_that_strict_mode_flags(tmp_path: Path) -> None:
    app = _app(tmp_path, 'plugins = ["pydantic.mypy"]\n')
    assert _errors(app, strict=False) == []
    strict = _errors(app, strict=True)
    assert any("steps/helpers.py" in e for e in strict)  # untyped helpers, a module without stubs
    assert any("log_requests" in e or "place_step.py:9" in e for e in strict)  # the docs' middleware


@pytest.mark.slow
def test_a_model_built_from_the_request_body_is_fine(tmp_path: Path) -> None:
    app = _app(tmp_path)
    (app / "steps" / "place_step.py").write_text(PLACE_UNANNOTATED, encoding="utf-8")
    assert _errors(app, strict=False) == []


@pytest.mark.slow
def test_the_apps_own_settings_are_honoured(tmp_path: Path) -> None:
    app = _app(tmp_path, "disallow_untyped_defs = true\nignore_missing_imports = false\n")
    errors = _errors(app, strict=False)
    assert any("steps/helpers.py:4" in e and "missing a type annotation" in e for e in errors)
    assert any("not_installed_anywhere" in e for e in errors)


def test_plugins_must_be_installed_modules_outside_the_app(tmp_path: Path) -> None:
    (tmp_path / "evil_plugin.py").write_text("raise SystemExit('ran')\n", encoding="utf-8")
    app_options = {"plugins": ["pydantic.mypy", "evil_plugin", "../evil_plugin.py", "no.such.plugin"]}
    sys.path.insert(0, str(tmp_path))  # as if the app were on the path: its plugin is still refused
    try:
        options = mypy_options(tmp_path, app_options, strict=False)
    finally:
        sys.path.remove(str(tmp_path))
    assert options["plugins"] == "pydantic.mypy"


def test_only_options_that_judge_code_are_taken(tmp_path: Path) -> None:
    given = {
        "warn_return_any": True,
        "python_version": "3.12",
        "disable_error_code": ["import-untyped"],
        "cache_dir": "/elsewhere",
        "mypy_path": "/etc",
        "python_executable": "/bin/sh",
        "warn_unreachable": "yes",  # not a boolean: left out
    }
    options = mypy_options(tmp_path, given, strict=False)
    assert options == {
        "check_untyped_defs": "True",
        "ignore_missing_imports": "True",
        "warn_no_return": "False",
        "warn_return_any": "True",
        "python_version": "3.12",
        "disable_error_code": "typeddict-unknown-key, import-untyped",
        "plugins": "pydantic.mypy",  # so Model(**req.body) takes the JSON a body holds
    }
    assert mypy_options(tmp_path, given, strict=True) == {"strict": "True"}


def test_config_text_is_one_section_and_refuses_multi_line_values() -> None:
    text = config_text({"strict": "True"}, {"cache_dir": "/tmp/x"})
    assert text.startswith("[mypy]\nstrict = True\ncache_dir = /tmp/x\n")
    with pytest.raises(UnsafeConfigValue):
        config_text({}, {"cache_dir": "/tmp/x\nplugins = evil"})
    assert text.count("[") == 1


MULTI = """\
from motia import cron, http, logger

config = {"name": "Both", "triggers": [http("GET", "/both"), cron("0 * * * *")], "enqueues": []}


async def handler(input, ctx):
    if ctx.trigger.type == "cron":
        logger.info("tick")
        return
    if ctx.trigger.path == "/both":
        return {"status": 200, "body": {"ok": True}}
    logger.info("falls off the end on the cron path")
"""


@pytest.mark.slow
def test_a_multi_trigger_handler_may_return_nothing_on_its_other_paths(tmp_path: Path) -> None:
    app = tmp_path / "multi"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "both_step.py").write_text(MULTI, encoding="utf-8")
    assert _errors(app, strict=False) == []


SPAN = Span("steps/both_step.py", 6, 11, 6, 18)


def test_the_shadow_spells_out_bare_returns_of_handlers_it_annotates() -> None:
    tie = HandlerTie(
        "handler", "steps/both_step.py", "motia_types.steps.both", ("Input", "Context"), "R", SPAN
    )
    shadow = shadow_source(MULTI, [tie]).splitlines()
    original = MULTI.splitlines()
    assert shadow[8] == "        return None"  # line 9 of the file, still line 9
    assert shadow[10] == original[10]  # a return with a value is left alone


SEND = """\
from motia import cron

config = {"name": "Send", "triggers": [cron("0 * * * *")], "enqueues": ["user.created"]}


async def handler(input, ctx):
    user = {"name": "ada", "age": 36, "nickname": "countess"}  # an extra key: the schema is open
    await ctx.enqueue({"topic": "user.created", "data": user})
    wrong = {"name": 7}
    await ctx.enqueue({"topic": "user.created", "data": wrong})
"""
WELCOME = """\
from motia import queue

USER = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}}

config = {"name": "Welcome", "triggers": [queue("user.created", input=USER)], "enqueues": []}


async def handler(user, ctx):
    ctx.logger.info("welcome", {"name": user.get("name")})
"""


@pytest.mark.slow
def test_a_payload_built_in_a_variable_is_checked_by_what_it_holds(tmp_path: Path) -> None:
    app = tmp_path / "variables"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "send_step.py").write_text(SEND, encoding="utf-8")
    (app / "steps" / "welcome_step.py").write_text(WELCOME, encoding="utf-8")
    diagnostics = run_typecheck(app, Overrides(use_cache=False))[1]
    mypy = [(d.span.file, d.span.line, d.message) for d in diagnostics if d.code == "MG300"]
    assert mypy == [
        (
            "steps/send_step.py",
            9,
            'Incompatible types (expression has type "int", TypedDict item "name" has type "str")  '
            "[typeddict-item]",
        )
    ]


GET = """\
from motia import http

OK = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
    "required": ["id"],
}

config = {"name": "Get", "triggers": [http("GET", "/things/:id", response_schema={200: OK})], "enqueues": []}


async def handler(req, ctx):
    body = {"id": req.path_params["id"], "n": 2}
    if req.query_params.get("bad"):
        bad = {"id": 5}
        return {"status": 200, "body": bad}
    return {"status": 200, "body": body}
"""


@pytest.mark.slow
def test_a_response_body_built_in_a_variable_is_checked_by_what_it_holds(tmp_path: Path) -> None:
    app = tmp_path / "bodies"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "get_step.py").write_text(GET, encoding="utf-8")
    diagnostics = run_typecheck(app, Overrides(use_cache=False))[1]
    assert [(d.span.line, d.code) for d in diagnostics if d.severity == "error"] == [(15, "MG300")]


CANONICAL = """\
from typing import Any

from motia import ApiRequest, ApiResponse, http

SCHEMA = {"type": "object", "properties": {"message": {"type": "string"}}}

config = {"name": "Hello", "triggers": [http("GET", "/hello", response_schema={200: SCHEMA})], "enqueues": []}


def handler(request: ApiRequest[Any]) -> ApiResponse[dict[str, Any]]:
    return ApiResponse(status=200, body={"message": "hi"})
"""


@pytest.mark.slow
def test_an_own_return_annotation_is_the_handlers_business_except_under_strict(tmp_path: Path) -> None:
    app = tmp_path / "canonical"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "hello_step.py").write_text(CANONICAL, encoding="utf-8")
    assert _errors(app, strict=False) == []
    assert [e.split(" ")[0] for e in _errors(app, strict=True)] == ["steps/hello_step.py:10"]


REALWORLD = Path(__file__).resolve().parents[2] / "golden" / "types_realworld"


@pytest.mark.slow
def test_mistakes_are_named_in_the_users_terms_at_the_users_columns(tmp_path: Path) -> None:
    """A status or topic the step does not declare is named with what it declares; a wrong body or
    payload names its key; columns are those of the original line, not the shadow's."""
    app = tmp_path / "app"
    shutil.copytree(REALWORLD, app, ignore=shutil.ignore_patterns("expected", "steps", ".motia"))
    (app / "handlers_bad").rename(app / "steps")
    diagnostics = run_typecheck(app, Overrides(use_cache=False))[1]
    found = {(d.span.file.rsplit("/", 1)[-1], d.span.line): d for d in diagnostics if d.code == "MG300"}
    undeclared = found["create_order_step.py", 58]
    assert undeclared.message.startswith("status 400 is not declared in the step's responseSchema")
    assert "(declared: 201, 401)" in undeclared.message
    assert undeclared.span.column == 16  # the `{` of the returned literal
    topic = found["process_order_step.py", 23].message
    assert topic.startswith("topic 'order.shipped' is not one the step emits (declared: 'order.processed')")
    missing = found["create_order_step.py", 61]
    assert 'Missing key "total"' in missing.message
    line = (app / "steps" / "orders" / "create_order_step.py").read_text(encoding="utf-8").splitlines()[60]
    assert missing.span.column == line.index('{"id"') + 1
    assert '"error" has type "str"' in found["create_order_step.py", 60].message
    assert all("_motia" not in d.message for d in diagnostics)


@pytest.mark.slow
def test_middleware_and_stream_hooks_are_typed_like_handlers(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(REALWORLD, app, ignore=shutil.ignore_patterns("expected", "steps", ".motia"))
    (app / "handlers_bad").rename(app / "steps")
    messages = [d.message for d in run_typecheck(app, Overrides(use_cache=False))[1] if d.code == "MG300"]
    assert any('"ApiRequest[CreateOrderBody' in m and '"bodyy"' in m for m in messages)
    assert any('"StreamSubscription" has no attribute "group"' in m for m in messages)


BARE = """\
from motia import ApiRequest, ApiResponse, FlowContext, http

config = {"name": "Count", "triggers": [http("GET", "/count")], "enqueues": []}


async def handler(request: ApiRequest, ctx: FlowContext) -> ApiResponse:
    items = await ctx.state.get_group("items")
    return ApiResponse(status=200, body={"count": len(items)})
"""


@pytest.mark.slow
def test_bare_generic_annotations_take_any_steps_types(tmp_path: Path) -> None:
    """`FlowContext` unparametrized is any step's context (Motia's docs write it so)."""
    app = tmp_path / "bare"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "count_step.py").write_text(BARE, encoding="utf-8")
    assert _errors(app, strict=False) == []
