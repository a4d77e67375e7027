"""Hostile `[tool.motia]` values: refused with a diagnostic at the key, the setting left at its default,
and nothing carried into the configs of the tools the compiler runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from motia_gen.settings import Settings, load_settings
from tests.commands import motia

STEP = (
    'config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET", "emits": []}\n\n'
    "async def handler(req, context):\n"
    '    return {"status": 200, "body": {"ok": True}}\n'
)


def _settings(tmp_path: Path, body: str) -> tuple[Settings, list[tuple[str, int, str]]]:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    settings, problems = load_settings(tmp_path)
    return settings, [(p.code, p.span.line, p.message) for p in problems]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'source-roots = [".", "x\\nplugins = evil.py"]',
            "'x\\nplugins = evil.py' holds a control character",
        ),
        ('dirs = ["/etc"]', "'/etc' is absolute; paths are relative to the app root"),
        ('include = ["../../**/x_step.py"]', "'../../**/x_step.py' leaves the app ('..')"),
        ('exclude = ["steps/../../x"]', "'steps/../../x' leaves the app ('..')"),
        ('source-roots = [""]', "a path must not be empty"),
        ('external-topics = ["a\\u0000b"]', "'a\\x00b' holds a control character"),
    ],
)
def test_unsafe_values_are_mg115_at_the_key_and_left_at_the_default(
    tmp_path: Path, line: str, message: str
) -> None:
    settings, problems = _settings(tmp_path, "[tool.motia]\n" + line + "\n")
    key = line.split(" ", 1)[0]
    assert problems == [("MG115", 2, f"[tool.motia] {key}: {message}")]
    assert settings == Settings()


def test_relative_paths_and_globs_inside_the_app_are_fine(tmp_path: Path) -> None:
    body = '[tool.motia]\nsource-roots = [".", "src"]\ninclude = ["extra/**/*_step.py"]\ndirs = ["steps"]\n'
    settings, problems = _settings(tmp_path, body)
    assert problems == []
    assert settings.source_roots == (".", "src")


def test_a_tool_key_that_is_not_a_table_is_mg111(tmp_path: Path) -> None:
    settings, problems = _settings(tmp_path, "tool = 3\n")
    assert [(code, line) for code, line, _ in problems] == [("MG111", 1)]
    assert settings == Settings()


@pytest.mark.slow
def test_typecheck_never_loads_a_plugin_a_setting_tries_to_inject(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "ping_step.py").write_text(STEP, encoding="utf-8")
    marker = tmp_path / "plugin-ran"
    (app / "evil.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
        "def plugin(version):\n    from mypy.plugin import Plugin\n    return Plugin\n",
        encoding="utf-8",
    )
    (app / "pyproject.toml").write_text(
        '[tool.motia]\nsource-roots = [".", "x\\nplugins = evil.py"]\n', encoding="utf-8"
    )
    checked = motia("typecheck", "--format", "json", str(app))
    assert checked.returncode == 1, checked.stderr
    codes = {d["code"] for d in json.loads(checked.stdout)["diagnostics"]}
    assert "MG115" in codes
    assert not marker.exists()
    config = (app / ".motia" / "typecheck.ini").read_text(encoding="utf-8")
    assert "evil" not in config
    plugins = [line for line in config.splitlines() if line.split(" = ")[0] == "plugins"]
    assert plugins == ["plugins = pydantic.mypy"]  # the default mode's own, installed outside the app
    # The same plugin named by hand in a config the compiler did not write does run: the marker works.
    (app / "own.ini").write_text("[mypy]\nplugins = evil.py\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "own.ini", "evil.py"],
        cwd=app,
        capture_output=True,
        check=False,
    )
    assert marker.exists()


@pytest.mark.slow
def test_typecheck_refuses_an_app_folder_whose_name_holds_a_newline(tmp_path: Path) -> None:
    app = tmp_path / "app\nplugins = evil.py"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "ping_step.py").write_text(STEP, encoding="utf-8")
    checked = motia("typecheck", str(app))
    assert checked.returncode == 2
    assert "holds a control character; nothing was checked" in checked.stderr
    assert "Traceback" not in checked.stderr
