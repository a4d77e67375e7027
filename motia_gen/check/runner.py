"""Run every rule over the app, then apply what the user switched off."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from motia_gen.check import config, cron, graph, handlers, routes, schemas
from motia_gen.check.base import CheckInput, Rule
from motia_gen.diagnostics import Diagnostic, sort_diagnostics, suppress
from motia_gen.model import App, Step, Stream
from motia_gen.settings import Settings

# Per-file rules run while each step or stream file is read, so the compile cache keeps their results
# with the file's; whole-app rules run on every validation.
FILE_RULES: tuple[Rule, ...] = (
    *config.FILE_RULES,
    *cron.FILE_RULES,
    *schemas.FILE_RULES,
    *handlers.FILE_RULES,
)
APP_RULES: tuple[Rule, ...] = (*config.APP_RULES, *routes.APP_RULES, *graph.APP_RULES, *handlers.APP_RULES)


def check_definitions(
    steps: Sequence[Step], streams: Sequence[Stream], settings: Settings, root: Path
) -> list[Diagnostic]:
    """The per-file rules over one file's steps and streams."""
    check = CheckInput(App(tuple(steps), tuple(streams), ()), settings, root)
    return [d for rule in FILE_RULES for d in rule(check)]


def check_app(
    app: App,
    settings: Settings,
    root: Path,
    found: Iterable[Diagnostic] = (),
    read: Mapping[str, bytes | None] | None = None,
) -> tuple[Diagnostic, ...]:
    """The front end's diagnostics (`found`, per-file rules included) and the whole-app rules', filtered
    by lint settings and ignore comments (`read`: files the front end read already, see
    `suppress.read_ignores`)."""
    check = CheckInput(app, settings, root)
    diagnostics = [*found, *(d for rule in APP_RULES for d in rule(check))]
    files = sorted({*app.files, *(d.span.file for d in diagnostics)} - {"pyproject.toml"})
    ignores = suppress.read_ignores(os.fspath(root), files, read)
    return sort_diagnostics(suppress.apply(diagnostics, settings.lint, ignores))
