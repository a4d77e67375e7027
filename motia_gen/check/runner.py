"""Run every rule over the app, then apply what the user switched off."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from motia_gen.check import config, cron, graph, handlers, routes, schemas, suppress
from motia_gen.check.base import CheckInput, Rule
from motia_gen.diagnostics import Diagnostic, sort_diagnostics
from motia_gen.model import App
from motia_gen.settings import Settings

RULES: tuple[Rule, ...] = (
    *config.RULES,
    *cron.RULES,
    *schemas.RULES,
    *routes.RULES,
    *graph.RULES,
    *handlers.RULES,
)


def check_app(
    app: App, settings: Settings, root: Path, found: Iterable[Diagnostic] = ()
) -> tuple[Diagnostic, ...]:
    """The front end's diagnostics (`found`) and every rule's, filtered by lint settings and comments."""
    check = CheckInput(app, settings, root)
    diagnostics = [*found, *(d for rule in RULES for d in rule(check))]
    files = sorted({*app.files, *(d.span.file for d in diagnostics)} - {"pyproject.toml"})
    ignores = suppress.read_ignores(os.fspath(root), files)
    return sort_diagnostics(suppress.apply(diagnostics, settings.lint, ignores))
