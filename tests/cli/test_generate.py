"""`motia generate openapi`, run as a user runs it: stdout, files, formats, --check, defaults, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.commands import motia
from tests.paths import GOLDEN, REPO

ROOT = REPO

pytestmark = pytest.mark.slow


def copy(case: str, tmp_path: Path) -> Path:
    target = tmp_path / case
    shutil.copytree(GOLDEN / case, target, ignore=shutil.ignore_patterns("expected", ".motia"))
    return target


def test_writes_openapi_json_in_the_app_by_default_and_prints_with_dash(tmp_path: Path) -> None:
    app = copy("openapi_classic", tmp_path)
    expected = (GOLDEN / "openapi_classic" / "expected" / "openapi.json").read_text(encoding="utf-8")
    written = motia("generate", "openapi", str(app))
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert (app / "openapi.json").read_text(encoding="utf-8") == expected
    assert motia("generate", "openapi", str(app), "--check").returncode == 0  # compared with that file
    printed = motia("generate", "openapi", str(app), "-o", "-")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == expected


def _info(app: Path, *options: str) -> object:
    return json.loads(motia("generate", "openapi", str(app), "-o", "-", *options).stdout)["info"]


def test_title_and_version_default_to_the_pyproject_then_fixed_values(tmp_path: Path) -> None:
    assert _info(copy("openapi_classic", tmp_path)) == {"title": "users-service", "version": "2.3.0"}
    assert _info(copy("openapi_v1", tmp_path)) == {"title": "inventory", "version": "1.0.0"}  # no version
    assert _info(copy("openapi_bare", tmp_path)) == {"title": "Motia API", "version": "1.0.0"}
    given = _info(copy("openapi_models", tmp_path), "-t", "Shop", "-v", "9.9")
    assert given == {"title": "Shop", "version": "9.9"}


def test_writes_json_and_yaml_files(tmp_path: Path) -> None:
    app = copy("openapi_v1", tmp_path)
    as_json = tmp_path / "out" / "openapi.json"
    as_yaml = tmp_path / "out" / "api.yaml"
    assert motia("generate", "openapi", str(app), "-o", str(as_json)).returncode == 0
    result = motia("generate", "openapi", str(app), "--output", str(as_yaml), "--openapi-version", "3.0")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    document = json.loads(as_json.read_text(encoding="utf-8"))
    assert document == json.loads(
        (GOLDEN / "openapi_v1" / "expected" / "openapi.json").read_text(encoding="utf-8")
    )
    converted = yaml.safe_load(as_yaml.read_text(encoding="utf-8"))
    assert converted == json.loads(
        (GOLDEN / "openapi_v1" / "expected" / "openapi-3.0.json").read_text(encoding="utf-8")
    )
    assert motia("generate", "openapi", str(app), "-o", str(tmp_path / "a.yml")).returncode == 0
    assert (tmp_path / "a.yml").read_text(encoding="utf-8").startswith("components:\n")


def test_check_passes_when_fresh_and_fails_with_a_diff_when_stale(tmp_path: Path) -> None:
    app = copy("openapi_classic", tmp_path)
    target = tmp_path / "openapi.yaml"
    assert motia("generate", "openapi", str(app), "-o", str(target)).returncode == 0
    fresh = motia("generate", "openapi", str(app), "-o", str(target), "--check")
    assert fresh.returncode == 0, fresh.stdout
    assert fresh.stdout == ""
    written = target.read_text(encoding="utf-8")

    stale = motia("generate", "openapi", str(app), "-o", str(target), "--check", "--title", "Renamed")
    assert stale.returncode == 1
    assert "-  title: users-service\n" in stale.stdout
    assert "+  title: Renamed\n" in stale.stdout
    assert stale.stdout.startswith("---")
    assert target.read_text(encoding="utf-8") == written  # --check never writes

    missing = motia("generate", "openapi", str(app), "-o", str(tmp_path / "none.json"), "--check")
    assert missing.returncode == 1
    assert not (tmp_path / "none.json").exists()


def test_check_compares_with_a_file_not_stdout(tmp_path: Path) -> None:
    app = copy("openapi_bare", tmp_path)
    assert motia("generate", "openapi", str(app), "--check").returncode == 1  # no openapi.json yet
    assert motia("generate", "openapi", str(app), "-o", "-", "--check").returncode == 2


def test_an_app_with_errors_exits_one_and_writes_nothing(tmp_path: Path) -> None:
    app = copy("config_errors", tmp_path)
    target = tmp_path / "openapi.json"
    result = motia("generate", "openapi", str(app), "-o", str(target))
    assert result.returncode == 1
    assert "error[MG213]" in result.stderr
    assert result.stdout == ""
    assert not target.exists()


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert motia("generate", "openapi", str(tmp_path / "missing")).returncode == 2
    assert motia("generate", "openapi", "--openapi-version", "2.0", ".").returncode == 2
    assert "openapi" in motia("generate", "--help").stdout
