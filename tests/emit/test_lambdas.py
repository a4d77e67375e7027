"""Lambdas written in configs (a condition, middleware, a stream's `canAccess`) are wired into the built
app by where their bodies start, and the built app calls them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from motia.spec import AppSpec
from motia.streams.protocol import StreamSubscription
from motia.testing import TestApp

from tests.commands import motia
from tests.emit.test_build import import_dispatch

STEP = """\
from motia import http

config = {
    "name": "Gate",
    "triggers": [
        http(
            "GET",
            "/gate",
            middleware=[lambda req, ctx, nxt: nxt()],
            condition=lambda req, ctx: req.query_params.get("ok") == "1",
        )
    ],
    "enqueues": [],
}


def handler(request):
    return {"status": 200, "body": {"passed": True}}
"""
STREAM = """\
config = {
    "name": "feed",
    "schema": {"type": "object"},
    "baseConfig": {"storageType": "default"},
    "canAccess": lambda sub, auth: sub.group_id == "public",
}
"""


@pytest.mark.slow
@pytest.mark.usefixtures("isolated_imports")
def test_config_lambdas_run_in_the_built_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = tmp_path / "lambdas"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "gate_step.py").write_text(STEP, encoding="utf-8")
    (app / "steps" / "feed_stream.py").write_text(STREAM, encoding="utf-8")
    built = motia("build", str(app), "--no-cache")
    assert built.returncode == 0, built.stdout + built.stderr
    spec: AppSpec = import_dispatch(app / "dist", monkeypatch, "lambdas_dispatch").APP

    (feed,) = spec.streams
    assert feed.can_access is not None
    assert feed.can_access(StreamSubscription("feed", "public"), None) is True
    assert feed.can_access(StreamSubscription("feed", "private"), None) is False

    async def scenario() -> None:
        async with TestApp(spec) as client:
            passed = await client.get("/gate", params={"ok": "1"})
            refused = await client.get("/gate")
        assert (passed.status_code, passed.json()) == (200, {"passed": True})
        assert refused.status_code == 422

    asyncio.run(scenario())
