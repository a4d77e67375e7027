"""The runtime never depends on the compiler: deployed apps ship `motia` without `motia_gen`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import motia
import pytest

RUNTIME = Path(motia.__file__).parent
COMPILER_IMPORT = re.compile(
    r"^\s*(?:from\s+motia_gen\b|import\s+(?:[\w.]+\s*,\s*)*motia_gen\b)|(?:import_module|__import__)\(\s*['\"]motia_gen",
    re.MULTILINE,
)


@pytest.mark.slow
def test_importing_motia_loads_no_compiler_module() -> None:
    code = (
        "import sys, motia\n"
        "from motia import *\n"
        "loaded = sorted(m for m in sys.modules if m == 'motia_gen' or m.startswith('motia_gen.'))\n"
        "assert not loaded, loaded\n"
        "print(len(motia.__all__))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(motia.__all__)


def test_no_runtime_source_imports_the_compiler() -> None:
    files = sorted(RUNTIME.rglob("*.py"))
    assert len(files) > 5
    offenders = [
        str(f.relative_to(RUNTIME)) for f in files if COMPILER_IMPORT.search(f.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "line",
    [
        "from motia_gen import model",
        "import motia_gen.cli.main",
        "import os, motia_gen",
        "importlib.import_module('motia_gen')",
    ],
)
def test_the_import_pattern_catches_compiler_imports(line: str) -> None:
    assert COMPILER_IMPORT.search(line)


@pytest.mark.slow
def test_declaring_loads_no_server_and_every_public_name_resolves() -> None:
    """`import motia` (what a step file and the compiler's key tables need) loads neither the server nor
    the context machinery; every name in `__all__` still resolves on first use, and an unknown one is
    an AttributeError."""
    code = (
        "import sys, motia\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn')\n"
        "               or m in ('motia.web.app', 'motia.runtime', 'motia.context'))\n"
        "assert not heavy, heavy\n"
        "missing = [n for n in motia.__all__ if getattr(motia, n, None) is None]\n"
        "assert not missing, missing\n"
        "assert set(motia.__all__) <= set(dir(motia))\n"
        "from motia import step, FlowContext\n"
        "assert callable(step) and not isinstance(step, type(sys)), step\n"
        "try:\n"
        "    motia.NoSuchName\n"
        "except AttributeError:\n"
        "    print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "ok\n"), result.stderr
