"""Running the `motia` command as a user does, for tests at any depth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.paths import REPO


def motia(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`motia ARGS` through the console entry (`python -m motia_gen`), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "motia_gen", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
