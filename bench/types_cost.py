"""What `motia generate-types` and `motia typecheck` cost on the synthetic apps of `bench/compile.py`.

Each command runs in a fresh subprocess, as a user runs it:

* generate-types cold: no `.motia/` cache and no generated package, against `motia validate` cold on the
  same app (the target is at most twice: the extra work is one datamodel-code-generator call and rendering);
* typecheck cold: no `.motia/` at all (parse cache, shadow tree and mypy cache all empty);
* typecheck warm: after editing one step file's handler, with every cache filled.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class TypeCosts:
    steps: int
    validate_cold: float
    generate_cold: float
    typecheck_cold: float
    typecheck_warm: float


def _run(command: list[str], app: Path, what: str) -> float:
    start = time.perf_counter()
    result = subprocess.run([*command, str(app)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"{what} on {app} exited with {result.returncode}")
    return elapsed


def _median(runs: int, prepare: Callable[[int], None], measure: Callable[[], float]) -> float:
    times = []
    for run in range(runs):
        prepare(run)
        times.append(measure())
    return statistics.median(times)


def _clean(app: Path, package: str = "motia_types") -> None:
    shutil.rmtree(app / ".motia", ignore_errors=True)
    shutil.rmtree(app / package, ignore_errors=True)


def measure_types(
    motia: list[str], app: Path, steps: int, runs: int, edit: Callable[[Path, int], None], target: Path
) -> TypeCosts:
    """`edit(target, run)` changes one handler so that a warm run has exactly one step file to redo."""

    def validate() -> float:
        return _run([*motia, "validate"], app, "motia validate")

    def generate() -> float:
        return _run([*motia, "generate-types"], app, "motia generate-types")

    def typecheck() -> float:
        return _run([*motia, "typecheck"], app, "motia typecheck")

    validate_cold = _median(runs, lambda _: _clean(app), validate)
    generate_cold = _median(runs, lambda _: _clean(app), generate)
    typecheck_cold = _median(runs, lambda _: _clean(app), typecheck)
    typecheck()  # every cache filled (the package and the shadow tree too)
    typecheck_warm = _median(runs, lambda run: edit(target, 100 + run), typecheck)
    return TypeCosts(steps, validate_cold, generate_cold, typecheck_cold, typecheck_warm)
