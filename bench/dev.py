"""Dev-loop benchmark: from saving one edited handler to the edit being served, under `motia dev`, against
a cold `motia start` of the same app in the same run.

    .venv/bin/python bench/dev.py [--quick] [--write-docs]

Apps: the synthetic apps of `bench/compile.py` at 100 and 1,000 steps, plus one small API step,
`GET /__probe`, whose answer each edit changes. Two measures per app:

* save to served: `motia dev` runs; the probe's file is rewritten with a new answer and the clock runs
  until `GET /__probe` returns it (every edit is one save of one file);
* cold restart: what the loop replaces, with no compile cache and no build: `motia start` (which builds
  the app, then serves it) until `GET /__probe` answers.

Target (issue 19): save to served at least 5 times faster than the cold restart at 1,000 steps (medians).
Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
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
from _report import free_port, measured_line, table, tool, verdict, write_section
from compile import generate_app

TARGET = 5.0
PROBE = """\
config = {{"type": "api", "name": "BenchProbe", "path": "/__probe", "method": "GET", "emits": []}}


async def handler(req, context):
    return {{"status": 200, "body": {{"version": {version}}}}}
"""


def write_probe(app: Path, version: int) -> None:
    (app / "steps" / "bench_probe_step.py").write_text(PROBE.format(version=version), encoding="utf-8")


def _served(url: str, version: int) -> bool:
    try:
        answer = httpx.get(f"{url}/__probe", timeout=2)
    except httpx.HTTPError:
        return False
    return answer.status_code == 200 and answer.json().get("version") == version


def _wait(url: str, version: int, process: subprocess.Popen[bytes], seconds: float = 300.0) -> float:
    start = time.perf_counter()
    while not _served(url, version):
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        if time.perf_counter() - start > seconds:
            raise SystemExit(f"version {version} was not served within {seconds:.0f} s")
        time.sleep(0.005)
    return time.perf_counter() - start


def cold_start(app: Path) -> float:
    """`motia start` with no build and no compile cache, until the probe answers."""
    shutil.rmtree(app / "dist", ignore_errors=True)
    shutil.rmtree(app / ".motia", ignore_errors=True)
    port = free_port()
    command = [tool("motia"), "start", str(app), "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "LOG_LEVEL": "warning"}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        _wait(f"http://127.0.0.1:{port}", 0, process)
        return time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(timeout=60)


def save_to_served(app: Path, edits: int) -> list[float]:
    """Under `motia dev`: each edit's time from the save to its answer being served."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [tool("motia"), "dev", str(app), "--port", str(port)]
    env = {**os.environ, "LOG_LEVEL": "warning"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        _wait(url, 0, process)
        times = []
        for version in range(1, edits + 1):
            time.sleep(0.5)  # a save is a separate event, not part of the last one's burst
            write_probe(app, version)
            times.append(_wait(url, version, process))
        return times
    finally:
        process.send_signal(2)  # Ctrl-C
        process.wait(timeout=60)


def measure(steps: int, rounds: int, edits: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="motia-dev-bench-") as folder:
        app = Path(folder) / "app"
        generate_app(app, steps, seed=1)
        write_probe(app, 0)
        result: dict[str, list[float]] = {"cold": [], "dev": []}
        for _ in range(rounds):
            write_probe(app, 0)
            result["cold"].append(cold_start(app))
            result["dev"] += save_to_served(app, edits)
        return result


INTRO = """## Dev loop (save to served)

`bench/dev.py` times `motia dev` from the save of one edited handler to the edit being served, on the
synthetic apps of the compile benchmark (plus one probe step whose answer each edit changes), against what
the loop replaces in the same run: a cold `motia start` of the same app, with no build and no compile
cache, until its first answer."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and edits (a smoke run)")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args(argv)
    rounds, edits = (1, 3) if args.quick else (3, 5)
    sizes = (100, 1_000)
    results = {steps: measure(steps, rounds, edits) for steps in sizes}
    rows = []
    ok = True
    for steps, result in results.items():
        cold, dev = statistics.median(result["cold"]), statistics.median(result["dev"])
        ratio = cold / dev
        target = f"≥ {TARGET:g}×" if steps == 1_000 else "(info)"
        passed = ratio >= TARGET if steps == 1_000 else None
        ok = ok and passed is not False
        rows.append(
            (f"{steps:,} steps: cold `motia start` (build, then serve), s", f"{cold:.2f}", "(info)", "-")
        )
        rows.append((f"{steps:,} steps: `motia dev`, save to served, s", f"{dev:.2f}", "(info)", "-"))
        rows.append(
            (
                f"{steps:,} steps: cold start / save to served",
                f"{ratio:.1f}×",
                target,
                "-" if passed is None else verdict(passed),
            )
        )
    given = argv if argv is not None else sys.argv[1:]
    command = " ".join([".venv/bin/python bench/dev.py", *given])
    lines = [measured_line(command), "", *table(rows), ""]
    for steps, result in results.items():
        colds = ", ".join(f"{t:.2f}" for t in result["cold"])
        saves = ", ".join(f"{t:.2f}" for t in result["dev"])
        lines.append(f"- {steps:,} steps: cold starts {colds} s; saves to served {saves} s")
    lines.append(
        f"- {rounds} round(s) per app, {edits} edits per round, each edit half a second after the last"
    )
    section = "\n".join(lines)
    print(section)
    if args.write_docs:
        write_section("dev", section, INTRO)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
