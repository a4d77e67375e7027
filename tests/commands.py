"""Running the `motia` command as a user does, for tests at any depth."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO


def motia(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`motia ARGS` through the console entry (`python -m motia_gen`), its output captured; `env` is
    added to this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "motia_gen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )
