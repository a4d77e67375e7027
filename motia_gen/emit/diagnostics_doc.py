"""docs/diagnostics.md: every code with its name, default severity and doc (kept in sync by a test)."""

from __future__ import annotations

from motia_gen.diagnostics import CODES
from motia_gen.emit.jinja import render


def registry_markdown() -> str:
    return render("diagnostics.md.j2", codes=CODES)
