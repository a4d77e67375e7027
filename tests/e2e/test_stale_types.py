"""A built app runs with the types package its build generated, even when the app's own copy is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.server import build, copy_example

pytestmark = pytest.mark.slow

LOAD = "import sys; from motia.web.serve import load_dispatch; print(len(load_dispatch(sys.argv[1]).steps))"


def test_stale_app_types_do_not_break_the_built_app(tmp_path: Path) -> None:
    app = copy_example("messaging", tmp_path)
    stale = app / "motia_types" / "steps" / "send_message.py"
    stale.write_text("# an old copy that lacks the names the step imports\n", encoding="utf-8")
    build(app)
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD, str(app / "dist")], capture_output=True, text=True, check=False
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "5"
