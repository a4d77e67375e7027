"""Small hostile files never crash or hang the compiler: each is a diagnostic at the file, the exit code
stays within 0/1/2, and the other files are still read. Run as a user runs `motia validate`, in a
subprocess (the worst of these used to kill the process with a segfault)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from motia_gen import frontend

pytestmark = pytest.mark.slow

GOOD = (
    'config = {{"type": "api", "name": "Good{n}", "path": "/good{n}", "method": "GET", "emits": []}}\n\n'
    "async def handler(req, context):\n"
    '    return {{"status": 200, "body": {{}}}}\n'
)

NESTED = {
    "parentheses": "x = " + "(" * 1500 + "1" + ")" * 1500 + "\n",
    "unary": "x = " + "-" * 10_000 + "1\n",
    "sum": "x = " + "+".join(["1"] * 4000) + "\n",
    "dict": "x = " + "{'a': " * 400 + "1" + "}" * 400 + "\n",
    "subscripts": "x = a" + "[0]" * 2000 + "\n",
    "list": "x = " + "[" * 150 + "]" * 150 + "\n",
}


def validate(app: Path, *extra: str) -> tuple[int, dict[str, list[str]]]:
    """`motia validate --format json`: the exit code and the codes reported per file."""
    result = subprocess.run(
        [sys.executable, "-m", "motia_gen", "validate", "--format", "json", "--no-cache", *extra, str(app)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    found: dict[str, list[str]] = {}
    for item in json.loads(result.stdout)["diagnostics"]:
        found.setdefault(item["file"], []).append(item["code"])
    return result.returncode, found


def _app(tmp_path: Path, good: int = 1) -> Path:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    for n in range(good):
        (app / "steps" / f"good{n}_step.py").write_text(GOOD.format(n=n), encoding="utf-8")
    return app


@pytest.mark.parametrize("shape", sorted(NESTED))
def test_deep_nesting_is_mg101_at_the_file(tmp_path: Path, shape: str) -> None:
    app = _app(tmp_path)
    (app / "steps" / "deep_step.py").write_text(NESTED[shape], encoding="utf-8")
    code, found = validate(app)
    assert code == 1
    assert found == {"steps/deep_step.py": ["MG101"]}


def test_a_hostile_file_among_many_read_in_the_process_pool_spoils_only_itself(tmp_path: Path) -> None:
    app = _app(tmp_path, good=210)  # past the threshold where files are parsed in worker processes
    (app / "steps" / "deep_step.py").write_text(NESTED["parentheses"], encoding="utf-8")
    code, found = validate(app)
    assert code == 1
    assert found == {"steps/deep_step.py": ["MG101"]}


def test_files_that_are_not_regular_files_inside_the_app_are_mg102_and_never_read(tmp_path: Path) -> None:
    app = _app(tmp_path)
    steps = app / "steps"
    os.mkfifo(steps / "pipe_step.py")  # reading it would block forever
    (steps / "zero_step.py").symlink_to("/dev/zero")  # reading it would never end
    outside = tmp_path / "secret.py"
    outside.write_text(GOOD.format(n=99), encoding="utf-8")
    (steps / "outside_step.py").symlink_to(outside)
    (steps / "huge_step.py").write_text("x = 1\n" * 200_000, encoding="utf-8")  # 1.2 MB
    code, found = validate(app)
    assert code == 1
    assert found == {
        "steps/huge_step.py": ["MG102"],
        "steps/outside_step.py": ["MG102"],
        "steps/pipe_step.py": ["MG102"],
        "steps/zero_step.py": ["MG102"],
    }


def test_a_pyproject_that_is_a_fifo_is_a_diagnostic_not_a_hang(tmp_path: Path) -> None:
    app = _app(tmp_path)
    os.mkfifo(app / "pyproject.toml")
    code, found = validate(app)
    assert code == 1
    assert found == {"pyproject.toml": ["MG111"]}


@pytest.mark.parametrize("pattern", ["/**/passwd", "../../**/*", "../../outside.txt"])
def test_include_files_leaving_the_app_are_refused_without_being_searched(
    tmp_path: Path, pattern: str
) -> None:
    app = _app(tmp_path)
    (tmp_path / "outside.txt").write_text("x", encoding="utf-8")
    step = GOOD.format(n=7).replace('"emits": []', f'"emits": [], "includeFiles": [{pattern!r}]')
    (app / "steps" / "inc_step.py").write_text(step, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "motia_gen", "validate", "--no-cache", str(app)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert f"warning[MG227] includeFiles pattern '{pattern}' leaves the app" in result.stdout


def test_doubling_unpacking_is_evaluated_once_per_name_and_bounded(tmp_path: Path) -> None:
    """`a1 = [*a0, *a0]` … `a29`: 676 bytes that used to run for minutes. Each name is evaluated once,
    and a list past 10,000 items is MG105 at the expression that made it."""
    app = _app(tmp_path)
    lines = ["a0 = ['x']", *(f"a{i} = [*a{i - 1}, *a{i - 1}]" for i in range(1, 30))]
    lines.append('config = {"type": "noop", "name": "U", "virtualEmits": a29, "virtualSubscribes": []}')
    (app / "steps" / "unpack_step.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, found = validate(app)
    assert code == 1
    assert found == {"steps/unpack_step.py": ["MG105"]}


def test_a_parse_worker_that_dies_costs_the_pool_not_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-parse (out of memory, say): the files it had are parsed in the main process."""
    app = _app(tmp_path, good=210)
    monkeypatch.setattr(frontend, "_parse_job", _dying_parse_job)
    result = frontend.validate_app(app, frontend.Overrides(use_cache=False, workers=2))
    assert result.diagnostics == ()
    assert len(result.app.steps) == 210


_REAL_PARSE_JOB = frontend._parse_job


def _dying_parse_job(job: tuple[str, str | None, bytes, bool]) -> bytes:
    if job[0] == "steps/good7_step.py" and os.getpid() != _MAIN:
        os._exit(9)  # in a worker: the pool breaks
    return _REAL_PARSE_JOB(job)


_MAIN = os.getpid()


@pytest.mark.parametrize(
    ("first", "step", "emits", "description"),
    [
        ("s0 = 'ab'", "s{i} = s{j} + s{j}", "[]", "s39"),
        ("l0 = ['x']", "l{i} = l{j} + l{j}", "l39", "''"),
        ("w = 'x'", "p{i} = f'{{w:>999999999}}'", "[]", "p1"),
    ],
    ids=["string", "list", "f-string"],
)
def test_values_that_grow_without_end_are_mg105(
    tmp_path: Path, first: str, step: str, emits: str, description: str
) -> None:
    app = _app(tmp_path)
    lines = [first, *(step.format(i=i, j=i - 1) for i in range(1, 40))]
    lines.append(
        f'config = {{"type": "noop", "name": "G", "description": {description}, '
        f'"virtualEmits": {emits}, "virtualSubscribes": []}}'
    )
    (app / "steps" / "grow_step.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, found = validate(app)
    assert code == 1
    assert found == {"steps/grow_step.py": ["MG105"]}
