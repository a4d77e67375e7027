"""`motia create`: each template gives a project that validates under --strict, builds, type-checks and
passes its own tests in a fresh virtualenv holding only what the project declares; nothing existing is
ever overwritten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands import motia
from tests.paths import REPO

TEMPLATES = ["python", "python-1x"]


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with motia-gen (from this checkout, with its `testing` extra) and pytest: what a
    created project's README tells its users to install."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, f"{REPO}[testing]", "pytest"], check=True, capture_output=True)
    return venv


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES)
def test_a_created_project_validates_builds_and_passes_its_tests(
    template: str, tmp_path: Path, fresh_venv: Path
) -> None:
    bin_dir = fresh_venv / "bin"
    command = [str(bin_dir / "motia"), "create", "greeter", "--template", template]  # from the wheel
    created = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert created.returncode == 0, created.stderr
    app = tmp_path / "greeter"
    assert (app / ".gitignore").read_text(encoding="utf-8").startswith("# motia-gen")
    assert 'name = "greeter"' in (app / "pyproject.toml").read_text(encoding="utf-8")

    def run(*command: str) -> str:
        result = subprocess.run(command, cwd=app, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    assert "no problems found" in run(str(bin_dir / "motia"), "validate", "--strict")
    run(str(bin_dir / "motia"), "build")
    assert "2 passed" in run(str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider")
    run(str(bin_dir / "motia"), "generate-types")
    run(str(bin_dir / "motia"), "typecheck")


def test_the_forms_differ_as_motia_writes_them(tmp_path: Path) -> None:
    assert motia("create", "classic", cwd=tmp_path).returncode == 0
    assert motia("create", "modern", "-t", "python-1x", cwd=tmp_path).returncode == 0
    classic = (tmp_path / "classic" / "steps" / "create_greeting_step.py").read_text(encoding="utf-8")
    modern = (tmp_path / "modern" / "steps" / "create_greeting_step.py").read_text(encoding="utf-8")
    assert '"type": "api"' in classic
    assert "context.emit(" in classic
    assert 'http("POST", "/greetings"' in modern
    assert "ctx.enqueue(" in modern


def test_create_in_the_current_folder_and_never_over_existing_files(tmp_path: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    (here / "notes.txt").write_text("mine", encoding="utf-8")
    assert motia("create", ".", cwd=here).returncode == 0
    assert (here / "steps" / "send_greeting_step.py").is_file()
    assert (here / "notes.txt").read_text(encoding="utf-8") == "mine"
    (here / "README.md").write_text("my own readme", encoding="utf-8")
    again = motia("create", ".", cwd=here)
    assert again.returncode == 1
    assert "already has" in again.stderr
    assert "nothing was written" in again.stderr
    assert (here / "README.md").read_text(encoding="utf-8") == "my own readme"


def test_bad_names_and_templates_are_refused(tmp_path: Path) -> None:
    unknown = motia("create", "x", "-t", "typescript", cwd=tmp_path)
    assert unknown.returncode == 1
    assert "unknown template 'typescript': choose python or python-1x" in unknown.stderr
    odd = motia("create", "my app!", cwd=tmp_path)
    assert odd.returncode == 1
    assert "cannot name a Python project" in odd.stderr
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "my app!").exists()
