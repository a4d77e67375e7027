"""The wheel carries both packages and the templates, and the runtime never imports the compiler."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_compiler_runtime_and_templates(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("motia_gen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "motia_gen/cli/main.py" in names
    assert "motia/__init__.py" in names
    assert "motia_gen/templates/diagnostics.md.j2" in names
    # The Workbench page as scripts/build-workbench built it (not kept in git), its sources left out.
    built = {p.name for p in (ROOT / "runtime" / "motia" / "workbench" / "static").iterdir()}
    assert {"index.html", "workbench.js", "workbench.css"} <= built
    assert {f"motia/workbench/static/{name}" for name in built} <= names
    assert not any(name.startswith(("workbench/", "motia/workbench/src")) for name in names)
    assert not any(name.startswith(("tests/", "golden/", "examples/")) for name in names)
