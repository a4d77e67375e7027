"""HTTP benchmark: requests/s of a built motia app against the same handlers on Starlette and FastAPI.

    .venv/bin/python bench/http_requests.py [--quick] [--write-docs] [--no-network]

Routes, the same in every app:

* `GET /items/:id` → `{"id": id}` (the trivial JSON route);
* `POST /orders` with a 10-field JSON body (strings with length limits and a pattern, a bounded integer, an
  exclusive-minimum number, a boolean, an enum, a string array with maxItems, a nested object that allows
  no other keys, a nullable string) → `{"ok": true}`: validated against its `bodySchema` in ours; the same
  route without a schema (`POST /orders-raw`) is the reference for what validation costs.

Our app is a real step folder, compiled with `motia build`, loaded from its dispatch module and served on
the in-memory backend. Two measurements, each alternating the apps within every round:

* in process: the ASGI app called directly (no sockets), the most stable figure;
* over loopback: one uvicorn worker per app (uvloop and httptools) pinned to CPU 0, loaded by `wrk` pinned
  to CPU 1 (Debian package `wrk`; skipped with a note when it is not installed).

Targets (issue 6): trivial route at least 0.85 times plain Starlette and above FastAPI; the validated route
at least 0.7 times our own unvalidated one. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import free_port, measured_line, table, tool, verdict, wait_listening, write_section
from motia.storage.memory import MemoryBackend
from motia.web.serve import create_app, load_dispatch

TARGET_STARLETTE = 0.85
TARGET_VALIDATED = 0.7

ORDER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "customer": {"type": "string", "minLength": 1, "maxLength": 64},
        "email": {"type": "string", "pattern": "^[^@]+@[^@]+$"},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
        "price": {"type": "number", "exclusiveMinimum": 0},
        "gift": {"type": "boolean"},
        "priority": {"enum": ["low", "normal", "high"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        "address": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
            "required": ["city", "zip"],
            "additionalProperties": False,
        },
        "note": {"type": ["string", "null"]},
        "currency": {"type": "string", "minLength": 3, "maxLength": 3},
    },
    "required": ["customer", "email", "quantity", "price", "gift", "priority", "tags", "address", "currency"],
}
ORDER = {
    "customer": "Ada",
    "email": "ada@example.org",
    "quantity": 3,
    "price": 9.5,
    "gift": False,
    "priority": "high",
    "tags": ["a", "b"],
    "address": {"city": "Oslo", "zip": "0150"},
    "note": None,
    "currency": "EUR",
}
ORDER_BYTES = json.dumps(ORDER).encode()

STEPS = {
    "steps/item_step.py": """config = {
    "type": "api", "name": "GetItem", "method": "GET", "path": "/items/:id", "emits": []
}


async def handler(req, context):
    return {"status": 200, "body": {"id": req["pathParams"]["id"]}}
""",
    "steps/order_step.py": f"""config = {{
    "type": "api",
    "name": "PlaceOrder",
    "method": "POST",
    "path": "/orders",
    "emits": [],
    "bodySchema": {ORDER_SCHEMA!r},
}}


async def handler(req, context):
    return {{"status": 200, "body": {{"ok": True}}}}
""",
    "steps/order_raw_step.py": """config = {
    "type": "api", "name": "PlaceOrderRaw", "method": "POST", "path": "/orders-raw", "emits": []
}


async def handler(req, context):
    return {"status": 200, "body": {"ok": True}}
""",
}

REFERENCE_APPS = '''"""The same routes written directly on Starlette and on FastAPI."""
from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def item(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["item_id"]})


async def order(request: Request) -> JSONResponse:
    await request.json()
    return JSONResponse({"ok": True})


starlette_app = Starlette(routes=[Route("/items/{item_id}", item), Route("/orders", order, methods=["POST"])])

fastapi_app = FastAPI()


@fastapi_app.get("/items/{item_id}")
async def fastapi_item(item_id: str) -> dict[str, str]:
    return {"id": item_id}


class Address(BaseModel, extra="forbid"):
    city: str
    zip: str


class Order(BaseModel):
    customer: str = Field(min_length=1, max_length=64)
    email: str = Field(pattern="^[^@]+@[^@]+$")
    quantity: int = Field(ge=1, le=1000)
    price: float = Field(gt=0)
    gift: bool
    priority: Literal["low", "normal", "high"]
    tags: list[str] = Field(max_length=10)
    address: Address
    note: str | None = None
    currency: str = Field(min_length=3, max_length=3)


@fastapi_app.post("/orders")
async def fastapi_order(body: Order) -> dict[str, bool]:
    return {"ok": True}
'''


# -- the apps ----------------------------------------------------------------------------------------------
def build_app(workdir: Path) -> Path:
    """Write our app's step files, compile them with `motia build`, return the dist folder."""
    app = workdir / "app"
    for relative, text in STEPS.items():
        (app / relative).parent.mkdir(parents=True, exist_ok=True)
        (app / relative).write_text(text, encoding="utf-8")
    (app / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n', encoding="utf-8")
    result = subprocess.run([tool("motia"), "build", str(app)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"motia build failed:\n{result.stdout}\n{result.stderr}")
    (workdir / "reference_apps.py").write_text(REFERENCE_APPS, encoding="utf-8")
    return app / "dist"


# -- in process --------------------------------------------------------------------------------------------
def _scope(method: str, path: str, body: bytes) -> dict[str, Any]:
    headers = [(b"host", b"bench"), (b"content-type", b"application/json")]
    if body:
        headers.append((b"content-length", str(len(body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }


async def _lifespan(app: Any) -> Callable[[], Any]:
    """Start `app`'s lifespan; returns a coroutine function that shuts it down."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    started = await outbox.get()
    assert started["type"] == "lifespan.startup.complete", started

    async def stop() -> None:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task

    return stop


async def _rate(app: Any, method: str, path: str, body: bytes, n: int) -> float:
    scope = _scope(method, path, body)
    request = {"type": "http.request", "body": body, "more_body": False}
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return request

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)  # warm-up, and a check that the route answers
    if statuses != [200]:
        raise SystemExit(f"{method} {path} answered {statuses}")
    start = time.perf_counter()
    for _ in range(n):
        await app(scope, receive, send)
    return n / (time.perf_counter() - start)


CASES = {
    "starlette GET /items": ("starlette", "GET", "/items/42", b""),
    "fastapi GET /items": ("fastapi", "GET", "/items/42", b""),
    "ours GET /items": ("ours", "GET", "/items/42", b""),
    "starlette POST /orders (no validation)": ("starlette", "POST", "/orders", ORDER_BYTES),
    "fastapi POST /orders (pydantic model)": ("fastapi", "POST", "/orders", ORDER_BYTES),
    "ours POST /orders (bodySchema)": ("ours", "POST", "/orders", ORDER_BYTES),
    "ours POST /orders-raw (no schema)": ("ours", "POST", "/orders-raw", ORDER_BYTES),
}


async def in_process(dist: Path, workdir: Path, rounds: int, n: int) -> dict[str, list[float]]:
    sys.path.insert(0, str(workdir))
    import reference_apps  # noqa: PLC0415 (written by build_app)

    apps = {
        "starlette": reference_apps.starlette_app,
        "fastapi": reference_apps.fastapi_app,
        "ours": create_app(load_dispatch(dist), MemoryBackend()),
    }
    stops = [await _lifespan(app) for app in apps.values()]
    rates: dict[str, list[float]] = {name: [] for name in CASES}
    try:
        for round_index in range(rounds):
            order = list(CASES.items())
            for name, (app, method, path, body) in order if round_index % 2 == 0 else reversed(order):
                rates[name].append(await _rate(apps[app], method, path, body, n))
    finally:
        for stop in stops:
            await stop()
    return rates


# -- over loopback -----------------------------------------------------------------------------------------
WRK_POST = 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[{body}]]\n'


def _server(app: str, dist: Path, workdir: Path, port: int) -> subprocess.Popen[bytes]:
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    common = ["--host", "127.0.0.1", "--port", str(port)]
    if app == "ours":
        command = [tool("motia"), "start", str(dist.parent), "--build", str(dist), *common]
    else:
        command = [tool("uvicorn"), f"reference_apps:{app}_app", *common, "--no-access-log"]
        command += ["--log-level", "warning", "--loop", "uvloop", "--http", "httptools"]
    env = {**os.environ, "LOG_LEVEL": "warning"}
    return subprocess.Popen([*pin, *command], cwd=workdir, env=env, stdout=subprocess.DEVNULL)


def _wrk(port: int, path: str, body: bytes, seconds: int, workdir: Path) -> float:
    pin = ["taskset", "-c", "1"] if shutil.which("taskset") else []
    command = [*pin, "wrk", "-t1", "-c32", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"]
    if body:
        script = workdir / "post.lua"
        script.write_text(WRK_POST.format(body=body.decode()), encoding="utf-8")
        command[-1:-1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw errors on {path}:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise SystemExit(f"no rate in wrk's output:\n{output}")
    return float(match.group(1))


def over_loopback(dist: Path, workdir: Path, rounds: int, seconds: int) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {name: [] for name in CASES}
    for round_index in range(rounds):
        apps = ["starlette", "fastapi", "ours"]
        for app in apps if round_index % 2 == 0 else reversed(apps):
            port = free_port()
            server = _server(app, dist, workdir, port)
            try:
                wait_listening(port, server)
                for name, (owner, _method, path, body) in CASES.items():
                    if owner == app:
                        _wrk(port, path, body, 1, workdir)  # warm-up
                        rates[name].append(_wrk(port, path, body, seconds, workdir))
            finally:
                server.terminate()
                server.wait(timeout=30)
    return rates


# -- report ------------------------------------------------------------------------------------------------
def verdicts(rates: dict[str, list[float]], where: str) -> tuple[list[tuple[str, str, str, str]], bool]:
    """Ratios are taken within each round, then the median of those."""

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(rates[a], rates[b], strict=True))

    vs_starlette = ratio("ours GET /items", "starlette GET /items")
    vs_fastapi = ratio("ours GET /items", "fastapi GET /items")
    validated = ratio("ours POST /orders (bodySchema)", "ours POST /orders-raw (no schema)")
    ok = vs_starlette >= TARGET_STARLETTE and vs_fastapi > 1 and validated >= TARGET_VALIDATED
    rows = [
        (f"{where}: {name}, requests/s", f"{statistics.median(values):,.0f}", "(info)", "-")
        for name, values in rates.items()
    ]
    rows += [
        (
            f"{where}: trivial route, ours / Starlette",
            f"{vs_starlette:.2f}×",
            f"≥ {TARGET_STARLETTE}×",
            verdict(vs_starlette >= TARGET_STARLETTE),
        ),
        (f"{where}: trivial route, ours / FastAPI", f"{vs_fastapi:.2f}×", "> 1×", verdict(vs_fastapi > 1)),
        (
            f"{where}: validated 10-field body / same route unvalidated",
            f"{validated:.2f}×",
            f"≥ {TARGET_VALIDATED}×",
            verdict(validated >= TARGET_VALIDATED),
        ),
    ]
    return rows, ok


INTRO = """## HTTP (requests/s against Starlette and FastAPI)

`bench/http_requests.py` compiles a three-route step app with `motia build`, loads its dispatch module and
serves it on the in-memory backend, next to the same handlers written directly on Starlette and on FastAPI:
a trivial `GET /items/:id` and a `POST /orders` whose 10-field body is validated against its `bodySchema`
(ours, through the pydantic model the build generated) or a pydantic model (FastAPI). The apps alternate
within each round, and ratios are taken within a round. In process, each app is called through ASGI with no
sockets; over loopback, each runs in one uvicorn worker (uvloop, httptools) pinned to one CPU and `wrk`
loads it from the other."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and requests (a smoke run)")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--no-network", action="store_true", help="skip the loopback measurement")
    args = parser.parse_args(argv)
    rounds, n, seconds = (2, 2_000, 2) if args.quick else (7, 10_000, 5)
    command = " ".join(
        [".venv/bin/python bench/http_requests.py", *(argv if argv is not None else sys.argv[1:])]
    )
    with tempfile.TemporaryDirectory(prefix="motia-http-") as directory:
        workdir = Path(directory)
        dist = build_app(workdir)
        rates = asyncio.run(in_process(dist, workdir, rounds, n))
        rows, ok = verdicts(rates, "in process")
        notes = [f"- in process: {n:,} requests per app and route per round, {rounds} rounds"]
        if args.no_network or shutil.which("wrk") is None:
            notes.append("- over loopback: not measured (`wrk` is not installed: `apt-get install wrk`)")
        else:
            loop_rows, loop_ok = verdicts(over_loopback(dist, workdir, rounds, seconds), "loopback")
            rows += loop_rows
            ok = ok and loop_ok
            notes.append(
                f"- over loopback: `wrk -t1 -c32 -d{seconds}s` per app and route, after a 1 s warm-up"
            )
    notes.append(f"- 1-minute load average {os.getloadavg()[0]:.2f} at the end of the run")
    section = "\n".join([measured_line(command), "", *table(rows), "", *notes])
    print(section)
    if args.write_docs:
        write_section("http", section, INTRO)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
