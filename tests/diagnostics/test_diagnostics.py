from __future__ import annotations

import os
import re

from motia_gen.diagnostics import (
    CODES,
    REGISTRY,
    Severity,
    Span,
    diag,
    has_errors,
    sort_diagnostics,
)
from motia_gen.emit.jinja import render
from tests.paths import REPO

DOC = REPO / "docs" / "diagnostics.md"


def test_codes_are_well_formed_and_unique_by_name() -> None:
    assert all(re.fullmatch(r"MG[123]\d\d", code) for code in REGISTRY)
    names = [entry.name for entry in REGISTRY.values()]
    assert len(names) == len(set(names))
    assert all(entry.doc.endswith(".") for entry in REGISTRY.values())


def test_severity_defaults_from_registry_and_can_be_overridden() -> None:
    span = Span("a.py", 1, 1, 1, 2)
    assert diag("MG110", span, "m").severity is Severity.WARNING
    assert diag("MG110", span, "m", severity=Severity.ERROR).severity is Severity.ERROR


def test_strict_makes_warnings_fail() -> None:
    warning = diag("MG110", Span("a.py", 1, 1, 1, 2), "m")
    assert not has_errors([warning])
    assert has_errors([warning], strict=True)


def test_sorting_is_by_position_and_removes_duplicates() -> None:
    a = diag("MG105", Span("b.py", 2, 1, 2, 2), "x")
    b = diag("MG105", Span("a.py", 9, 1, 9, 2), "x")
    assert sort_diagnostics([a, b, a]) == (b, a)


def registry_markdown() -> str:
    """docs/diagnostics.md: every code with its name, default severity and doc."""
    return render("diagnostics.md.j2", codes=CODES)


def test_docs_list_every_code() -> None:
    if os.environ.get("UPDATE_GOLDEN") == "1":
        DOC.write_text(registry_markdown(), encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == registry_markdown()
