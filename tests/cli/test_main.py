"""The `motia` command line, run as a user runs it: a subprocess, exit codes and output formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands import motia
from tests.paths import GOLDEN, REPO

ROOT = REPO


def copy(case: str, tmp_path: Path) -> Path:
    target = tmp_path / case
    shutil.copytree(GOLDEN / case, target, ignore=shutil.ignore_patterns("expected"))
    return target


def test_help_and_version() -> None:
    assert motia("--help").returncode == 0
    assert "validate" in motia("--help").stdout
    result = motia("version")
    assert result.returncode == 0
    assert result.stdout.startswith("motia-gen ")
    for flag in ("-V", "--version"):
        assert motia(flag).stdout == result.stdout


COMMANDS = ["", "build", "start", "emit", "generate-types", "typecheck", "validate", "generate openapi"]


@pytest.mark.parametrize("command", [*COMMANDS, "dlq list", "dlq replay"])
def test_help_is_plain_text_as_written(command: str) -> None:
    """No type placeholder on flags, no markup eaten from the docstrings (`[tool.motia]` stays)."""
    result = motia(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert "<bool>" not in result.stdout
    assert "╭" not in result.stdout  # plain, pipeable text
    if command == "generate-types":
        assert "(`[tool.motia] types-" in result.stdout


def test_clean_app_exits_zero_with_summary() -> None:
    result = motia("validate", "examples/messaging")
    assert result.returncode == 0, result.stdout
    assert result.stdout == "ok: 5 steps, 2 streams in 7 files, no problems found\n"


def test_errors_exit_one(tmp_path: Path) -> None:
    result = motia("validate", str(copy("config_errors", tmp_path)))
    assert result.returncode == 1
    assert "error[MG213] unknown key 'bodyschema' in api step config" in result.stdout
    assert "help: did you mean 'bodySchema'?" in result.stdout


def test_warnings_fail_only_under_strict(tmp_path: Path) -> None:
    app = copy("reassigned", tmp_path)
    assert motia("validate", str(app)).returncode == 0
    assert motia("validate", "--strict", str(app)).returncode == 1


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert motia("validate", str(tmp_path / "missing")).returncode == 2
    assert motia("validate", "--format", "xml", ".").returncode == 2
    assert motia("no-such-command").returncode == 2


def test_json_format(tmp_path: Path) -> None:
    result = motia("validate", "--format", "json", str(copy("reassigned", tmp_path)))
    document = json.loads(result.stdout)
    assert document["summary"] == {
        "errors": 0,
        "files": 1,
        "infos": 0,
        "steps": 1,
        "streams": 0,
        "warnings": 1,
    }
    [item] = document["diagnostics"]
    assert (item["code"], item["name"], item["file"], item["line"], item["column"]) == (
        "MG110",
        "config-reassigned",
        "steps/twice_step.py",
        2,
        1,
    )


def test_github_format(tmp_path: Path) -> None:
    result = motia("validate", "--format", "github", str(copy("reassigned", tmp_path)))
    first = result.stdout.splitlines()[0]
    assert first == (
        "::warning file=steps/twice_step.py,line=2,col=1,endLine=2,endColumn=7,"
        "title=MG110 config-reassigned::'config' is assigned more than once"
    )


def test_sarif_format(tmp_path: Path) -> None:
    """The parts GitHub code scanning requires: version, $schema, rules with docs, located results."""
    result = motia("validate", "--format", "sarif", str(copy("check_graph", tmp_path)))
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")
    [run] = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "motia-gen"
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    assert all(r["fullDescription"]["text"] and r["help"]["text"] for r in rules)
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["MG207"] == "error"
    assert levels["MG204"] == "warning"
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        [location] = item["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].startswith("steps/")
        assert physical["region"]["startLine"] >= 1
    conflict = next(r for r in run["results"] if r["ruleId"] == "MG207")
    assert conflict["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "steps/audit_step.py"
    )


def test_text_groups_by_file_and_counts_infos(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "b_step.py").write_text(
        'config = {"type": "event", "name": "B", "subscribes": ["t"], "emits": ["audit.finished", "x"]}\n'
        "async def handler(data, context):\n"
        '    await context.emit({"topic": "x", "data": {}})\n'
        '    await context.emit({"topic": data["t"], "data": {}})\n',
        encoding="utf-8",
    )
    (app / "steps" / "a_step.py").write_text(
        'config = {"type": "event", "name": "A", "subscribes": ["x"], "emits": ["t"]}\n'
        "async def handler(data, context):\n"
        '    await context.emit({"topic": "t", "data": {}})\n',
        encoding="utf-8",
    )
    lines = motia("validate", str(app)).stdout.splitlines()
    headers = [line for line in lines if line.endswith(".py")]
    assert headers == ["steps/a_step.py", "steps/b_step.py"]
    b_lines = [line for line in lines if line.startswith("steps/b_step.py:")]
    assert b_lines == sorted(b_lines, key=lambda line: [int(n) for n in line.split(":")[1:3]])
    assert lines[-1] == "0 errors, 2 warnings, 1 info in 2 files (2 steps, 0 streams in 2 files)"


@pytest.mark.parametrize("flag", ["--dir", "--exclude"])
def test_discovery_flags(tmp_path: Path, flag: str) -> None:
    app = copy("reassigned", tmp_path)
    value = "nowhere" if flag == "--dir" else "steps/*"
    result = motia("validate", flag, value, str(app))
    assert "warning[MG100]" in result.stdout


def test_cache_is_written_and_reused(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "messaging", app)
    first = motia("validate", str(app))
    assert (app / ".motia" / "cache").is_dir()
    second = motia("validate", str(app))
    assert first.stdout == second.stdout
    assert motia("validate", "--no-cache", str(app)).stdout == first.stdout


def test_an_internal_error_exits_two_with_a_message() -> None:
    code = (
        "import motia_gen.cli.main as cli\n"
        "def broken(): raise RuntimeError('boom')\n"
        "cli.app = broken\n"
        "cli.main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "internal error: RuntimeError('boom')" in result.stderr


def test_generate_types_writes_and_check_reports_staleness(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(
        ROOT / "examples" / "messaging", app, ignore=shutil.ignore_patterns("motia_types", ".motia")
    )
    assert motia("generate-types", "--check", str(app)).returncode == 1  # nothing written yet
    written = motia("generate-types", str(app))
    assert written.returncode == 0, written.stdout
    assert (app / "motia_types" / "steps" / "send_message.py").is_file()
    fresh = motia("generate-types", "--check", str(app))
    assert (fresh.returncode, fresh.stdout, fresh.stderr) == (0, "", "motia_types/ is up to date\n")
    (app / "motia_types" / "steps" / "removed_step.py").write_text("x = 1\n", encoding="utf-8")
    step = app / "steps" / "send_message_step.py"
    step.write_text(step.read_text(encoding="utf-8").replace("{201:", "{202:"), encoding="utf-8")
    stale = motia("generate-types", "--check", str(app))
    assert stale.returncode == 1
    assert "+++ b/motia_types/steps/send_message.py" in stale.stdout
    assert "--- a/motia_types/steps/removed_step.py" in stale.stdout
    motia("generate-types", str(app))
    assert not (app / "motia_types" / "steps" / "removed_step.py").exists()
    assert motia("generate-types", "--check", str(app)).returncode == 0


def test_typecheck_exits_one_on_type_errors(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "messaging", app, ignore=shutil.ignore_patterns(".motia"))
    assert motia("typecheck", str(app)).returncode == 0
    step = app / "steps" / "send_message_step.py"
    step.write_text(
        step.read_text(encoding="utf-8").replace('"status": 201', '"status": 200'), encoding="utf-8"
    )
    result = motia("typecheck", str(app))
    assert result.returncode == 1
    assert "steps/send_message_step.py:25:12: error[MG300]" in result.stdout
