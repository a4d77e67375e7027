"""Every handler and middleware shape, run through the checks and through the runtime: what the checks
accept is exactly what the runtime can call (one rule, `motia.spec.handler_arguments`)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from motia.spec import MIDDLEWARE_ARGUMENTS, StepSpec, call_args
from motia.testing import TestApp

from motia_gen.frontend import Overrides, validate_app
from tests.runtime.specs import app, route, run, step

SIGNATURES = [
    "(ctx)",
    "(input)",
    "(request)",
    "(input, ctx)",
    "(input, ctx=None)",
    "(input=None, ctx=None)",
    "(*args)",
    "(input, *rest)",
    "(a, b, c)",
    "()",
]
CONFIGS = {
    "classic api": '{"type": "api", "name": "S", "path": "/s", "method": "GET", "emits": []}',
    "classic event": '{"type": "event", "name": "S", "subscribes": ["t"], "emits": []}',
    "classic cron": '{"type": "cron", "name": "S", "cron": "* * * * *", "emits": []}',
    "1.x http": '{"name": "S", "triggers": [http("GET", "/s")]}',
    "1.x queue": '{"name": "S", "triggers": [queue("t")]}',
    "1.x cron": '{"name": "S", "triggers": [cron("* * * * *")]}',
    "1.x mixed": '{"name": "S", "triggers": [cron("* * * * *"), queue("t")]}',
}
KINDS = {
    "classic api": ["http"],
    "classic event": ["queue"],
    "classic cron": ["cron"],
    "1.x http": ["http"],
    "1.x queue": ["queue"],
    "1.x cron": ["cron"],
    "1.x mixed": ["cron", "queue"],
}


def _checked(tmp_path: Path, config: str, signature: str, sync: bool) -> bool:
    """Whether `motia validate` accepts the handler (no MG226)."""
    source = (
        "from motia import cron, http, queue\n\n"
        f"config = {config}\n\n\n"
        f"{'' if sync else 'async '}def handler{signature}:\n    return None\n"
    )
    (tmp_path / "steps").mkdir(exist_ok=True)
    (tmp_path / "steps" / "s_step.py").write_text(source, encoding="utf-8")
    (tmp_path / "steps" / "e_step.py").write_text(
        "config = {'type': 'noop', 'name': 'E', 'virtualEmits': ['t'], 'virtualSubscribes': []}\n",
        encoding="utf-8",
    )
    result = validate_app(tmp_path, Overrides(use_cache=False))
    return not any(d.code == "MG226" for d in result.diagnostics)


def _callable(config: str, signature: str) -> bool:
    """Whether the runtime's `call_args` binds for every trigger of the step."""
    namespace: dict[str, Any] = {}
    exec(f"def handler{signature}:\n    return None\n", namespace)  # a test-made function, not app code
    handler = namespace["handler"]
    parameters = inspect.signature(handler).parameters.values()
    varargs = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    arity = None if varargs else sum(1 for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD)
    form = "classic" if config.startswith("classic") else "v1"
    spec = StepSpec("S", "steps/s_step.py", form, handler, arity=arity)
    for kind in KINDS[config]:
        try:
            inspect.signature(handler).bind(*call_args(spec, kind, {"in": 1}, object()))
        except TypeError:
            return False
    return True


@pytest.mark.parametrize("signature", SIGNATURES)
@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_the_checks_accept_exactly_what_the_runtime_can_call(
    tmp_path: Path, config: str, signature: str
) -> None:
    callable_here = _callable(config, signature)
    assert _checked(tmp_path, CONFIGS[config], signature, sync=False) == callable_here
    assert _checked(tmp_path, CONFIGS[config], signature, sync=True) == callable_here


def test_sync_middleware_is_accepted_like_async(tmp_path: Path) -> None:
    source = (
        "from motia import http\n\n\n"
        "def auth(req, ctx, next):\n    return next()\n\n\n"
        'config = {"name": "S", "triggers": [http("GET", "/s", middleware=[auth])]}\n\n\n'
        "def handler(req, ctx):\n    return {'status': 200}\n"
    )
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "s_step.py").write_text(source, encoding="utf-8")
    result = validate_app(tmp_path, Overrides(use_cache=False))
    assert [d.code for d in result.diagnostics if d.code == "MG226"] == []

    def auth(req: Any, ctx: Any, nxt: Any) -> Any:  # what the checks just accepted, run by the runtime
        return nxt()

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        return {"status": 200, "body": {"ok": True}}

    spec = app(routes=(route(step(handler, "S", form="v1"), "GET", "/s", middleware=(auth,)),))

    async def scenario() -> None:
        async with TestApp(spec) as test:
            assert (await test.get("/s")).json() == {"ok": True}

    run(scenario)
    assert auth.__code__.co_argcount == MIDDLEWARE_ARGUMENTS
