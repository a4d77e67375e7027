"""`motia dev` on a copy of examples/orders, over real HTTP: an edited handler, a new route, a new step and
topic, an edited module the steps import and an edited `.env` are each served after the save, with state
and queued events kept and stream clients told to reconnect (1012); an error keeps the last good build
serving and says why, and fixing it resumes; Ctrl-C stops everything."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.e2e.server import copy_example, eventually, free_port, read_record

pytestmark = pytest.mark.slow


def _drain(socket_client: ClientConnection) -> None:
    while True:
        socket_client.recv(timeout=30)


def _write(app: Path, name: str, text: str) -> None:
    (app / "steps" / name).write_text(textwrap.dedent(text), encoding="utf-8")


def test_dev_serves_every_save_and_keeps_the_last_good_build(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    port = free_port()
    log = tmp_path / "dev.log"
    with log.open("w", encoding="utf-8") as out:
        command = [sys.executable, "-m", "motia_gen", "dev", str(app), "--port", str(port)]
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    said = lambda text: text in log.read_text(encoding="utf-8")  # noqa: E731
    stack = contextlib.ExitStack()
    try:
        eventually(lambda: said("motia dev: serving on"), timeout=60, what="the first build served")
        # A connection per request: an idle keep-alive connection to the old server is closed when the
        # swap stops it, and a request sent on it right then would be reset (browsers send it again).
        fresh = httpx.Limits(max_keepalive_connections=0)
        base = f"http://127.0.0.1:{port}"
        client = stack.enter_context(httpx.Client(base_url=base, timeout=10, limits=fresh))

        def get(path: str) -> Any:
            """The JSON answer, or None when the connection was reset: a request the old server accepted
            but had not read when the swap stopped it is closed, as on any uvicorn restart."""
            try:
                return client.get(path).json()
            except httpx.TransportError:
                return None

        assert client.put("/inventory/tea", json={"qty": 4}).status_code == 200
        assert client.get("/orders/none").json() == {"error": "no order none"}

        # An edited handler, with an order placed just before the save: the event is not lost.
        placed = client.post("/orders", json={"customerId": "c-1", "items": [{"sku": "tea", "qty": 1}]})
        status = app / "steps" / "order_status_step.py"
        with connect(f"ws://127.0.0.1:{port}/") as socket_client:  # a stream client, told to reconnect
            join = {"streamName": "orders", "groupId": "c-9", "subscriptionId": "s1"}
            socket_client.send(json.dumps({"type": "join", "data": join}))
            assert json.loads(socket_client.recv(timeout=10))["event"]["type"] == "sync"
            status.write_text(
                status.read_text(encoding="utf-8").replace("no order", "missing order"), "utf-8"
            )
            with pytest.raises(ConnectionClosed) as closed:
                _drain(socket_client)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1012  # service restart: reconnect
        eventually(lambda: get("/orders/none") == {"error": "missing order none"}, what="the edit")
        order = placed.json()["orderId"]
        eventually(lambda: (get(f"/orders/{order}") or {}).get("status") == "paid", what="the order paid")
        assert read_record(app, "state", "inventory", "tea") == {"sku": "tea", "qty": 3}  # state kept

        # A new route; then a new step and a new topic.
        _write(
            app,
            "ping_step.py",
            """\
            config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET", "emits": []}


            async def handler(req, context):
                return {"status": 200, "body": {"pong": True}}
        """,
        )
        eventually(lambda: get("/ping") == {"pong": True}, what="the new route")
        _write(
            app,
            "record_ping_step.py",
            """\
            config = {"type": "event", "name": "RecordPing", "subscribes": ["ping.sent"], "emits": []}


            async def handler(input, context):
                await context.state.set("pings", "last", input)
        """,
        )
        _write(
            app,
            "send_ping_step.py",
            """\
            config = {
                "type": "api", "name": "SendPing", "path": "/ping", "method": "POST", "emits": ["ping.sent"]
            }


            async def handler(req, context):
                await context.emit({"topic": "ping.sent", "data": {"n": 1}})
                return {"status": 202, "body": {}}
        """,
        )

        def pinged() -> bool:
            try:
                return client.post("/ping", json={}).status_code == 202
            except httpx.TransportError:
                return False

        eventually(pinged, what="the new step served")
        eventually(lambda: read_record(app, "state", "pings", "last") == {"n": 1}, what="the new topic")

        # A module the steps import (not a step): its importers are loaded again with it. And `.env`.
        (app / "steps" / "wording.py").write_text('GREETING = "hi"\n', encoding="utf-8")
        _write(
            app,
            "hello_step.py",
            """\
            import os

            from steps.wording import GREETING

            config = {"type": "api", "name": "Hello", "path": "/hello", "method": "GET", "emits": []}


            async def handler(req, context):
                return {"status": 200, "body": {"text": GREETING, "name": os.environ.get("HELLO_NAME")}}
        """,
        )

        def hello() -> dict[str, object]:
            # Until the old server has stopped, a request may still reach it: answers may lag a save.
            return get("/hello") or {}

        eventually(lambda: hello() == {"text": "hi", "name": None}, what="the hello step")
        (app / "steps" / "wording.py").write_text('GREETING = "hello"\n', encoding="utf-8")
        eventually(lambda: hello().get("text") == "hello", what="the imported module reloaded")
        (app / ".env").write_text("HELLO_NAME=Ada\n", encoding="utf-8")
        eventually(lambda: hello() == {"text": "hello", "name": "Ada"}, what="the new .env")

        # An error: reported, and the last good build goes on serving; the fix resumes.
        _write(app, "broken_step.py", 'config = {"type": "api", "name": "Broken"}\n')
        eventually(lambda: said("keeping the last good build serving"), what="the error reported")
        assert said("error[MG211] api step config is missing required key 'path'")
        assert client.get("/ping").status_code == 200
        (app / "steps" / "broken_step.py").unlink()
        eventually(lambda: said("motia dev: fixed 4 problems"), what="the fix noticed")

        def served_after_the_fix() -> bool:
            text = log.read_text(encoding="utf-8")
            return "serving the new build" in text[text.index("fixed 4 problems") :]

        eventually(served_after_the_fix, what="the fixed app served")
        assert client.get("/orders/none").status_code == 404
    finally:
        stack.close()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0, log.read_text(encoding="utf-8")
    time.sleep(0.2)
    with socket.socket() as probe:  # nothing listens any more: the server went with it
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_dev_refuses_a_dist_folder_it_did_not_write_and_a_taken_port(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    (app / "dist").mkdir()
    (app / "dist" / "notes.txt").write_text("mine", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "motia_gen", "dev", str(app)], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 2
    assert "was not written by motia build" in refused.stderr
    assert (app / "dist" / "notes.txt").read_text(encoding="utf-8") == "mine"
    (app / "dist" / "notes.txt").unlink()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [sys.executable, "-m", "motia_gen", "dev", str(app), "--port", str(port)],
            capture_output=True,
            text=True,
            check=False,
        )
    assert busy.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in busy.stderr
