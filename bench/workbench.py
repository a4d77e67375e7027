"""Workbench benchmark: how fast the flow view first renders, how soon a compile error shows after a save,
and what the Workbench's recording costs the HTTP hot path.

    .venv/bin/python bench/workbench.py [--quick] [--write-docs]

* First render: the synthetic apps of `bench/compile.py` at 50 and 1,000 steps, built with `motia build`
  and served by `motia start --workbench`; headless Chromium (Debian's `chromium`, driven by Playwright)
  opens `/__motia/#/flows` and the page reports the time from navigation start to the end of the graph's
  first layout (`window.__workbench.firstRenderMs`). Median of a few page loads.
* Diagnostics: `motia dev` on a copy of examples/orders with the Diagnostics view open; a step file with an
  error is saved and the time until its card shows is taken; then it is removed (until "No problems").
* HTTP: the three-route app of `bench/http_requests.py`, with and without the Workbench (which records a
  span per request in its trace ring): served by `motia start` (one uvicorn worker pinned to CPU 0) and
  loaded by `wrk` pinned to CPU 1 (Debian package `wrk`), and in process (ASGI, no sockets, the in-memory
  backend: the cost with nothing else around it); the two alternate within each round and the ratio is
  taken within a round.

Targets (issue 20): a served app with the Workbench on answers at least 0.9 times as many requests per
second as with it off; a compile error shows within a second of the save; the 1,000-step flow view
renders (its time is stated). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import free_port, measured_line, table, tool, verdict, wait_listening, write_section
from compile import generate_app
from http_requests import _lifespan, _rate, _wrk, build_app
from motia.storage.memory import MemoryBackend
from motia.web.serve import create_app, load_dispatch
from motia.workbench.api import WorkbenchOptions

REPO = Path(__file__).resolve().parent.parent
TARGET_HTTP = 0.9
TARGET_DIAGNOSTICS_S = 1.0
BROKEN = 'config = {"type": "event", "name": "Broken", "subscribes": ["order.placed"], "emits": []}\n'


def _browser(playwright: Any) -> Any:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("needs Debian's chromium (./scripts/system-packages installs it)")
    return playwright.chromium.launch(executable_path=found, args=["--no-sandbox"])


# -- first render --------------------------------------------------------------------------------------
def first_render(workdir: Path, steps: int, loads: int) -> list[float]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    app = workdir / f"app-{steps}"
    generate_app(app, steps, seed=7)
    subprocess.run([tool("motia"), "build", str(app)], check=True, capture_output=True)
    port = free_port()
    command = [tool("motia"), "start", str(app), "--port", str(port), "--workbench", "--no-build-check"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times: list[float] = []
    try:
        wait_listening(port, server)
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            for _ in range(loads):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(f"http://127.0.0.1:{port}/__motia/#/flows")
                page.wait_for_function(
                    "window.__workbench && window.__workbench.rendered > 0", timeout=120_000
                )
                times.append(float(page.evaluate("window.__workbench.firstRenderMs")))
                count = page.evaluate("window.__workbench.cy.nodes().length")
                if count != steps:
                    raise SystemExit(f"the graph shows {count} steps of {steps}")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return times


# -- diagnostics after a save --------------------------------------------------------------------------
def diagnostics_latency(workdir: Path, saves: int) -> list[float]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    app = workdir / "orders"
    shutil.copytree(REPO / "examples" / "orders", app, ignore=shutil.ignore_patterns("dist", ".motia"))
    port = free_port()
    log = (workdir / "dev.log").open("w", encoding="utf-8")
    command = [tool("motia"), "dev", str(app), "--port", str(port)]
    dev = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    broken = app / "steps" / "broken_step.py"
    times: list[float] = []
    try:
        wait_listening(port, dev, seconds=60)
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/__motia/#/diagnostics")
            page.get_by_test_id("no-diagnostics").wait_for(timeout=30_000)
            time.sleep(0.5)  # the event stream connects
            for _ in range(saves):
                began = time.perf_counter()
                broken.write_text(BROKEN, encoding="utf-8")
                page.locator("[data-testid=diagnostic][data-code=MG104]").wait_for(timeout=30_000)
                times.append(time.perf_counter() - began)
                broken.unlink()  # fixed: the new build's server takes over, the page reconnects to it
                page.get_by_test_id("no-diagnostics").wait_for(timeout=30_000)
                page.locator("[data-testid=connection][data-status=open]").wait_for(timeout=30_000)
                time.sleep(0.3)
            browser.close()
    finally:
        dev.send_signal(subprocess.signal.SIGINT)
        dev.wait(timeout=60)
        log.close()
    return times


# -- the HTTP hot path ---------------------------------------------------------------------------------
CASES = {
    "GET /items/:id": ("GET", "/items/42", b""),
    "POST /orders-raw": ("POST", "/orders-raw", b'{"a": 1}'),
}


async def http_rates(dist: Path, rounds: int, n: int) -> dict[str, list[float]]:
    spec = load_dispatch(dist)
    apps = {
        "off": create_app(spec, MemoryBackend()),
        "on": create_app(spec, MemoryBackend(), workbench=WorkbenchOptions()),
    }
    stops = [await _lifespan(app) for app in apps.values()]
    rates: dict[str, list[float]] = {f"{state} {case}": [] for state in apps for case in CASES}
    try:
        for index in range(rounds):
            order = list(apps.items()) if index % 2 == 0 else list(reversed(apps.items()))
            for case, (method, path, body) in CASES.items():
                for state, app in order:
                    rates[f"{state} {case}"].append(await _rate(app, method, path, body, n))
    finally:
        for stop in stops:
            await stop()
    return rates


def loopback_rates(dist: Path, workdir: Path, rounds: int, seconds: int) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {f"{state} {case}": [] for state in ("off", "on") for case in CASES}
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    env = {**os.environ, "LOG_LEVEL": "warning"}
    for index in range(rounds):
        for state in ("off", "on") if index % 2 == 0 else ("on", "off"):
            port = free_port()
            command = [tool("motia"), "start", str(dist.parent), "--build", str(dist), "--port", str(port)]
            command += ["--no-build-check", *(["--workbench"] if state == "on" else [])]
            server = subprocess.Popen([*pin, *command], cwd=workdir, env=env, stdout=subprocess.DEVNULL)
            try:
                wait_listening(port, server)
                for case, (_method, path, body) in CASES.items():
                    _wrk(port, path, body, 1, workdir)  # warm-up
                    rates[f"{state} {case}"].append(_wrk(port, path, body, seconds, workdir))
            finally:
                server.terminate()
                server.wait(timeout=30)
    return rates


# -- the report ----------------------------------------------------------------------------------------
def report(
    renders: dict[int, list[float]],
    latencies: list[float],
    served: dict[str, list[float]],
    in_process: dict[str, list[float]],
) -> tuple[str, bool]:
    rows: list[tuple[str, str, str, str]] = []
    for steps, times in sorted(renders.items()):
        rows.append(
            (
                f"flow view, first render at {steps:,} steps, ms",
                f"{statistics.median(times):,.0f}",
                "(info)",
                "-",
            )
        )
    latency = statistics.median(latencies)
    ok = latency <= TARGET_DIAGNOSTICS_S
    target = f"≤ {TARGET_DIAGNOSTICS_S:g}"
    rows.append(("compile error shown after the save, s", f"{latency:.2f}", target, verdict(ok)))
    for case in CASES:
        on, off = served[f"on {case}"], served[f"off {case}"]
        good = _ratio(on, off) >= TARGET_HTTP
        ok &= good
        rows.append(
            (f"served, {case}, requests/s, Workbench off", f"{statistics.median(off):,.0f}", "(info)", "-")
        )
        rows.append(
            (f"served, {case}, requests/s, Workbench on", f"{statistics.median(on):,.0f}", "(info)", "-")
        )
        rows.append(
            (f"served, {case}, on / off", f"{_ratio(on, off):.2f}×", f"≥ {TARGET_HTTP}×", verdict(good))
        )
    for case in CASES:
        on, off = in_process[f"on {case}"], in_process[f"off {case}"]
        rows.append((f"in process, {case}, on / off", f"{_ratio(on, off):.2f}×", "(info)", "-"))
    renders_text = "; ".join(
        f"{steps:,} steps {', '.join(f'{t:,.0f}' for t in times)} ms"
        for steps, times in sorted(renders.items())
    )
    notes = [
        "",
        "- first render: from navigation start to the end of the flow graph's first dagre layout in headless "
        f"Chromium, per page load: {renders_text}",
        "- compile error: `motia dev` on examples/orders with the Diagnostics view open, a step file with an "
        "error saved; per save: " + ", ".join(f"{t:.2f}" for t in latencies) + " s",
        "- served: `motia start` pinned to CPU 0, `wrk -t1 -c32` pinned to CPU 1; per round on/off: "
        + _rounds(served),
        "- in process: ASGI calls with no sockets on the in-memory backend (what recording a span costs with "
        f"nothing else around it); per round on/off: {_rounds(in_process)}",
    ]
    body = "\n".join([measured_line("bench/workbench.py --write-docs"), "", *table(rows), *notes])
    return body, ok


def _ratio(on: list[float], off: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(on, off, strict=True))


def _rounds(rates: dict[str, list[float]]) -> str:
    return "; ".join(
        f"{case} "
        + ", ".join(f"{a / b:.2f}" for a, b in zip(rates[f"on {case}"], rates[f"off {case}"], strict=True))
        for case in CASES
    )


INTRO = """## Workbench (first render, diagnostics after a save, HTTP cost)

`bench/workbench.py` opens the flow view of the synthetic apps of `bench/compile.py` (50 and 1,000 steps,
served by `motia start --workbench`) in headless Chromium and takes the page's own time to its first graph
layout; times a compile error from the save to its card in the Diagnostics view under `motia dev`; and
compares requests/s of the same app with the Workbench on (a span recorded per request) and off, served
over loopback and called in process."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args(argv)
    loads, saves, rounds, n = (1, 2, 2, 2_000) if args.quick else (3, 5, 7, 20_000)
    served_rounds, seconds = (2, 2) if args.quick else (4, 5)
    workdir = Path(tempfile.mkdtemp(prefix="motia-bench-workbench-"))
    os.environ.setdefault("LOG_LEVEL", "warning")
    try:
        dist = build_app(workdir)
        if shutil.which("wrk") is None:
            raise SystemExit("needs wrk (Debian package wrk) to load the served app")
        served = loopback_rates(dist, workdir, served_rounds, seconds)
        in_process = asyncio.run(http_rates(dist, rounds, n))
        renders = {steps: first_render(workdir, steps, loads) for steps in (50, 1000)}
        latencies = diagnostics_latency(workdir, saves)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    body, ok = report(renders, latencies, served, in_process)
    print(body)
    if args.write_docs:
        write_section("workbench", body, INTRO)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
