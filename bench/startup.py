"""Start-up benchmark: from process start to the first served request, for a 1,000-step app.

    .venv/bin/python bench/startup.py [--quick] [--write-docs]

The app is the synthetic 1,000-step app of `bench/compile.py` (classic, 1.x dict and builder steps, shared
pydantic models, streams), compiled once with `motia build`. Two ways to serve it, alternating in each
round, each a fresh process timed until `GET /__motia/health` answers 200 over loopback:

* ours: `motia start` on the built dispatch module (explicit imports, literal tables, compiled validators,
  the queue consumers and the SQLite backend started);
* the baseline, the way Motia 1.x starts: glob `steps/**/*_step.py` and `*_stream.py`, import every file,
  turn each step's config into the metadata Motia sends its engine (every schema as JSON Schema,
  functions stripped), then serve a Starlette app with uvicorn. (It routes and queues nothing, so it is a
  lower bound on what a discovering runtime does at start-up.)

Target (issue 6): ours no slower than the baseline. A breakdown of ours, measured in process, says where
the time goes. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from _report import free_port, measured_line, table, tool, write_section
from compile import generate_app

STEPS = 1_000

BASELINE = """
import dataclasses, glob, importlib, json, sys
from collections.abc import Mapping
root = sys.argv[1]
sys.path.insert(0, root)
from motia import StepDefinition

def plain(value):
    # The step metadata Motia 1.x sends its engine: configs with every schema as JSON Schema, and
    # conditions and middleware stripped.
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if callable(value):
        return None
    return value

files = sorted(glob.glob(f"{root}/steps/**/*_step.py", recursive=True))
files += sorted(glob.glob(f"{root}/steps/**/*_stream.py", recursive=True))
registered = []
for path in files:
    name = path[len(root) + 1 : -3].replace("/", ".")
    module = importlib.import_module(name)
    configs = [getattr(module, "config", None)]
    configs += [v.config for v in vars(module).values() if isinstance(v, StepDefinition)]
    for config in configs:
        if config is not None:
            registered.append(json.dumps(plain(config), default=str))
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
import uvicorn

async def health(request):
    return JSONResponse({"status": "ok", "steps": len(registered)})

app = Starlette(routes=[Route("/__motia/health", health)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""

BREAKDOWN = """
import asyncio, json, sys, time
start = time.perf_counter()
from motia.web.serve import create_app, load_dispatch
from motia.storage.memory import MemoryBackend
imported = time.perf_counter()
spec = load_dispatch(sys.argv[1])
loaded = time.perf_counter()
app = create_app(spec, MemoryBackend())
created = time.perf_counter()
async def run():
    await app.runtime.start()
    started = time.perf_counter()
    await app.runtime.stop()
    return started
started = asyncio.run(run())
print(json.dumps({
    "runtime imports": imported - start,
    "dispatch module (step imports, tables, validators)": loaded - imported,
    "ASGI app": created - loaded,
    "runtime start (queue consumers, scheduler)": started - created,
    "routes": len(spec.routes), "subscriptions": len(spec.subscriptions), "crons": len(spec.crons),
}))
"""


def _time_to_first_request(command: list[str], port: int) -> float:
    start = time.perf_counter()
    env = {**os.environ, "LOG_LEVEL": "warning"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(
                    f"{command[:3]} exited: {process.stderr.read().decode() if process.stderr else ''}"
                )
            try:
                if httpx.get(f"http://127.0.0.1:{port}/__motia/health", timeout=1).status_code == 200:
                    return time.perf_counter() - start
            except httpx.HTTPError:
                time.sleep(0.01)
    finally:
        process.terminate()
        process.wait(timeout=30)


def ours(app: Path) -> float:
    port = free_port()
    shutil.rmtree(app / ".motia", ignore_errors=True)  # a fresh SQLite file each time
    command = [tool("motia"), "start", str(app), "--host", "127.0.0.1", "--port", str(port)]
    return _time_to_first_request(command, port)


def baseline(app: Path) -> float:
    port = free_port()
    python = tool("python")
    return _time_to_first_request([python, "-c", BASELINE, str(app), str(port)], port)


def breakdown(app: Path) -> dict[str, float]:
    result = subprocess.run(
        [tool("python"), "-c", BREAKDOWN, str(app / "dist")], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"the breakdown run failed:\n{result.stderr}")
    return json.loads(result.stdout)


INTRO = """## Start-up (to the first served request)

`bench/startup.py` serves the synthetic 1,000-step app of the compile benchmark two ways, each in a fresh
process timed until its first request is answered over loopback: `motia start` on the built app, and a
baseline that starts the way Motia 1.x does (glob the step files, import every one, turn each config into
the metadata Motia sends its engine, with every schema as JSON Schema, then serve with uvicorn; it routes
and queues nothing). The two alternate within each round. Ours needs no schema at start-up: the build
compiled them, and its validators compile on first use."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args(argv)
    rounds = 2 if args.quick else 5
    given = argv if argv is not None else sys.argv[1:]
    command = " ".join([".venv/bin/python bench/startup.py", *given])
    with tempfile.TemporaryDirectory(prefix="motia-startup-") as directory:
        app = Path(directory) / "app"
        generate_app(app, STEPS, seed=1)
        started = time.perf_counter()
        built = subprocess.run(
            [tool("motia"), "build", str(app)], capture_output=True, text=True, check=False
        )
        build_seconds = time.perf_counter() - started
        if built.returncode != 0:
            raise SystemExit(f"motia build failed:\n{built.stdout}\n{built.stderr}")
        ours(app), baseline(app)  # untimed: both write the step files' bytecode caches here first
        times: dict[str, list[float]] = {"ours": [], "baseline": []}
        for round_index in range(rounds):
            order = [("ours", ours), ("baseline", baseline)]
            for name, measure in order if round_index % 2 == 0 else reversed(order):
                times[name].append(measure(app))
        parts = breakdown(app)
    ours_s, base_s = statistics.median(times["ours"]), statistics.median(times["baseline"])
    ratio = statistics.median(b / o for o, b in zip(times["ours"], times["baseline"], strict=True))
    rows = [
        (f"ours: `motia start`, {STEPS:,} steps, to first request (s)", f"{ours_s:.2f}", "(info)", "-"),
        (f"baseline: glob and import, {STEPS:,} steps, to first request (s)", f"{base_s:.2f}", "(info)", "-"),
        (
            "baseline / ours (median of per-round ratios)",
            f"{ratio:.2f}×",
            "≥ 1×",
            "PASS" if ratio >= 1 else "MISS",
        ),
    ]
    counts = {k: v for k, v in parts.items() if k in ("routes", "subscriptions", "crons")}
    notes = [
        f"- {rounds} rounds, after one untimed run of each that writes the bytecode caches; per round: "
        f"ours {', '.join(f'{t:.2f}' for t in times['ours'])} s, baseline "
        f"{', '.join(f'{t:.2f}' for t in times['baseline'])} s",
        f"- the built app: {counts['routes']} routes, {counts['subscriptions']} subscriptions, "
        f"{counts['crons']} cron jobs; `motia build` took {build_seconds:.1f} s (cold, not part of start-up)",
        "- where ours spends it (in process, one run): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items() if k not in counts)
        + "; the rest is interpreter start, the CLI and uvicorn",
        f"- 1-minute load average {os.getloadavg()[0]:.2f} at the end of the run",
    ]
    section = "\n".join([measured_line(command), "", *table(rows), "", *notes])
    print(section)
    if args.write_docs:
        write_section("startup", section, INTRO)
    return 0 if ratio >= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
