"""Serving a built app: loading `dist/dispatch.py`, the default SQLite backend, and a real uvicorn server
on a loopback port."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from motia.web.app import HttpApp
from motia.web.serve import AppImportError, create_app, load_dispatch, serve

from tests.runtime.specs import app, ok, route, run, step

DISPATCH = """\
from motia.spec import AppSpec, RouteSpec, StepSpec
from served_app_steps.hello import handler

HELLO = StepSpec("Hello", "served_app_steps/hello.py", "classic", handler)
APP = AppSpec(steps=(HELLO,), routes=(RouteSpec(HELLO, 0, "GET", "/hello"),))
"""

HELLO = """\
async def handler(req, ctx):
    return {"status": 200, "body": {"hello": "world"}}
"""


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("served_app_steps", "served_app_steps.hello", "motia_dispatch"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    (tmp_path / "served_app_steps").mkdir()
    (tmp_path / "served_app_steps" / "__init__.py").write_text("")
    (tmp_path / "served_app_steps" / "hello.py").write_text(HELLO)
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "dispatch.py").write_text(DISPATCH)
    yield tmp_path
    for name in ("served_app_steps", "served_app_steps.hello", "motia_dispatch"):
        sys.modules.pop(name, None)


def test_load_dispatch_imports_the_built_app_with_its_root_on_the_path(built: Path) -> None:
    spec = load_dispatch(built / "dist")
    assert [s.name for s in spec.steps] == ["Hello"]
    assert str(built) in sys.path
    served = create_app(spec, root=built)
    assert isinstance(served, HttpApp)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=served)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            assert (await client.get("/hello")).json() == {"hello": "world"}
        await served.runtime.backend.close()

    run(scenario)
    assert (built / ".motia" / "motia.sqlite3").is_file()


def test_load_dispatch_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    with pytest.raises(FileNotFoundError, match="run `motia build` first"):
        load_dispatch(tmp_path / "dist")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "dispatch.py").write_text("APP = 42\n")
    with pytest.raises(TypeError, match="must define APP = AppSpec"):
        load_dispatch(tmp_path / "dist")
    monkeypatch.delitem(sys.modules, "motia_dispatch")
    (tmp_path / "dist" / "dispatch.py").write_text("raise ImportError('broken step')\n")
    with pytest.raises(ImportError, match="broken step"):
        load_dispatch(tmp_path / "dist")
    assert "motia_dispatch" not in sys.modules


def test_an_app_module_that_fails_to_import_is_named_without_a_traceback(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (built / "served_app_steps" / "hello.py").write_text("X = 1\nimport not_installed_anywhere\n" + HELLO)
    with pytest.raises(AppImportError) as raised:
        load_dispatch(built / "dist")
    assert str(raised.value) == (
        "the app could not be imported at served_app_steps/hello.py:2: "
        "ModuleNotFoundError: No module named 'not_installed_anywhere'"
    )
    with pytest.raises(SystemExit) as exited:
        serve(built / "dist", port=0, root=built)
    assert exited.value.code == 1
    assert capsys.readouterr().err == f"motia: {raised.value}\n"


def test_a_real_server_keeps_serving_after_a_handler_raises(tmp_path: Path) -> None:
    async def boom(req: Any, ctx: Any) -> Any:
        raise RuntimeError("handler bug")

    spec = app(routes=(route(step(boom, "Boom"), "GET", "/boom"), route(step(ok, "Ok"), "GET", "/ok")))

    async def scenario() -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))  # a free port, held from the start so nothing can take it
        listener.listen()
        port = listener.getsockname()[1]
        config = uvicorn.Config(
            create_app(spec, root=tmp_path), lifespan="on", ws="none", log_level="critical"
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[listener]))
        try:
            while not server.started:
                assert not serving.done(), "the server stopped while starting"
                await asyncio.sleep(0.01)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(2):
                    failed = await client.get("/boom")
                    assert failed.status_code == 500
                    assert failed.json()["traceId"] == failed.headers["x-trace-id"]
                    served = await client.get("/ok")
                    assert (served.status_code, served.json()) == (200, {"ok": True})
                health = await client.get("/__motia/health")
                assert health.json() == {"status": "ok", "running": True}
        finally:
            server.should_exit = True
            await serving
            listener.close()

    run(scenario)
    assert (tmp_path / ".motia" / "motia.sqlite3").is_file()
