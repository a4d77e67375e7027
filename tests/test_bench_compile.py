"""The compile benchmark's app generator must keep producing apps that validate cleanly (no timing here)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "compile.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_compile", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "typecheck"])
def test_generated_app_is_clean(command: str, tmp_path: Path) -> None:
    """The benchmark times `motia validate` and `motia typecheck` on these apps: both must find nothing
    (a typed app declares its topic constants `Final`)."""
    app = tmp_path / "app"
    _bench().generate_app(app, 12, seed=0)
    result = subprocess.run(
        [sys.executable, "-m", "motia_gen.cli.main", command, str(app)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems found" in result.stdout, result.stdout
    assert "12 steps, 1 stream" in result.stdout, result.stdout


@pytest.mark.slow
def test_generator_is_deterministic_and_mixes_forms(tmp_path: Path) -> None:
    bench = _bench()
    bench.generate_app(tmp_path / "a", 30, seed=3)
    bench.generate_app(tmp_path / "b", 30, seed=3)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.py"))
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.py"))
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    plans, _, _ = bench.plan_app(30, seed=3)
    assert {p.form for p in plans} == {"classic", "dict", "builder"}


def test_graph_app_exercises_every_graph_rule() -> None:
    """The linearity measurement must time real work: near-miss lookups that find their match."""
    bench = _bench()
    check = bench.graph_app(40)
    found = [d for rule in bench.graph.APP_RULES for d in rule(check)]
    dangling = [d for d in found if d.code == "MG232"]
    assert len(dangling) == 4  # one in ten steps emits a near miss (an error: a typo drops events)
    assert all(d.help and "did you mean" in d.help for d in dangling)
    assert bench.graph_time(40, 1) > 0


@pytest.mark.slow
def test_mixed_app_is_clean_with_a_third_in_typescript(tmp_path: Path) -> None:
    """The mixed apps: every third step a `.step.ts` file, checked with the Python ones (a Python step's
    payload against a TS subscriber's zod input among them), nothing found."""
    app = tmp_path / "app"
    bench = _bench()
    bench.generate_app(app, 30, seed=0, mixed=True)
    typescript = sorted(p.name for p in app.rglob("*.step.ts"))
    assert len(typescript) == 10
    plans, _, _ = bench.plan_app(30, seed=0, mixed=True)
    assert {p.form for p in plans if p.language == "typescript"} == {"classic", "dict", "builder"}
    result = subprocess.run(
        [sys.executable, "-m", "motia_gen.cli.main", "validate", str(app)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "30 steps, 1 stream in 31 files, no problems found" in result.stdout, result.stdout
