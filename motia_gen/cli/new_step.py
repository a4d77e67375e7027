"""`motia generate step`: a step file with a typed handler stub, from flags or, in a terminal, from
answers to what the flags did not say (see `motia_gen.scaffold.step`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from motia_gen.cli.files import write_tree
from motia_gen.cli.options import AppPath
from motia_gen.scaffold import step as scaffold
from motia_gen.settings import load_settings


def step_command(
    path: AppPath = Path("."),
    name: Annotated[str | None, typer.Option("--name", "-n", help="The step's name: CreateUser.")] = None,
    trigger: Annotated[str | None, typer.Option("--trigger", help="api, event, cron or noop.")] = None,
    http_path: Annotated[str | None, typer.Option("--path", help="api: the route, /users/:id.")] = None,
    method: Annotated[str | None, typer.Option("--method", help="api: GET, POST, PUT, PATCH...")] = None,
    emits: Annotated[
        list[str] | None, typer.Option("--emits", help="Topics it emits: comma-separated or repeated.")
    ] = None,
    subscribes: Annotated[
        list[str] | None,
        typer.Option("--subscribes", help="event: topics it subscribes to (noop: virtual ones)."),
    ] = None,
    schedule: Annotated[str | None, typer.Option("--cron", help="cron: the schedule.")] = None,
    folder: Annotated[
        str, typer.Option("--dir", help="Folder under the app's steps folder: users/create-user.")
    ] = "",
    form: Annotated[str | None, typer.Option("--form", help="classic (dicts) or 1x (triggers).")] = None,
    description: Annotated[str, typer.Option("--description", help="What the step does.")] = "",
) -> None:
    """Write a step file with a typed handler stub; in a terminal, asks for what the options leave out."""
    asker = _Asker(sys.stdin.isatty())
    name = name or asker.ask("Step name (e.g. CreateUser)", None, "--name")
    kind = trigger or asker.ask("Trigger (api, event, cron, noop)", "api", "--trigger")
    if kind == "api":
        http_path = http_path or asker.ask("Path", "/" + scaffold.file_name(name)[: -len("_step.py")], "")
        method = method or asker.ask("Method", "GET", "")
    if kind in ("event", "noop") and subscribes is None:
        default = "" if kind == "noop" else None
        subscribes = [asker.ask("Subscribes to (comma-separated)", default, "--subscribes")]
    if emits is None and asker.interactive:
        emits = [asker.ask("Emits (comma-separated, empty for none)", "", "")]
    if kind == "cron" and schedule is None:
        schedule = asker.ask("Schedule", "0 * * * *", "")
    plan = scaffold.StepPlan(
        name=name,
        kind=kind,
        form=form or asker.ask("Form (classic, 1x)", "classic", ""),
        path=http_path or "/",
        method=method or "GET",
        emits=_topics(emits),
        subscribes=_topics(subscribes),
        cron=schedule or "0 * * * *",
        description=description,
    )
    _write(path.resolve(), folder, plan)


def _write(root: Path, folder: str, plan: scaffold.StepPlan) -> None:
    settings, _ = load_settings(root)
    steps_dir = root / (settings.dirs[0] if settings.dirs else "steps")
    try:
        text = scaffold.render(plan)
        target = scaffold.target(steps_dir, folder, plan.name)
    except scaffold.StepPlanError as error:
        typer.echo(f"motia generate step: {error}", err=True)
        raise typer.Exit(2) from None
    shown = target.relative_to(root).as_posix()
    if target.exists():
        typer.echo(f"motia generate step: {shown} already exists: nothing was written", err=True)
        raise typer.Exit(1)
    write_tree(root, {shown: text})
    typer.echo(f"wrote {shown}; check it with: motia validate")


class _Asker:
    """Questions in a terminal; elsewhere the default, or a usage error naming the missing option."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive

    def ask(self, question: str, default: str | None, flag: str) -> str:
        if self.interactive:
            return str(typer.prompt(question, default=default, show_default=bool(default)))
        if default is None:
            typer.echo(f"motia generate step: {flag} is required when not run in a terminal", err=True)
            raise typer.Exit(2)
        return default


def _topics(values: list[str] | None) -> tuple[str, ...]:
    return tuple(t.strip() for value in values or () for t in value.split(",") if t.strip())
