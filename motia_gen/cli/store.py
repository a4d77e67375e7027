"""Looking into an app's data from the command line: `motia state get|list|set|delete`, `motia stream
get|list` and `motia cron run`.

Like `motia dlq`, they work on the app's backend directly (the one `motia start` would choose), whether
the app is running or not. Values are JSON, printed indented with sorted keys. `state set` and `state
delete` write straight to the store: state triggers do not fire for them. `cron run` queues a run of a
cron job that the app runs once, on whichever instance claims it (see `motia.cron_runs`).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from motia_gen.cli.ops import AppOption, on_backend

if TYPE_CHECKING:
    from motia.storage.backend import Backend

state_app = typer.Typer(
    rich_markup_mode=None,
    help="Read and write the app's state (groups of keys with JSON values).",
    no_args_is_help=True,
)
stream_app = typer.Typer(
    rich_markup_mode=None, help="Read the items of the app's streams.", no_args_is_help=True
)
cron_app = typer.Typer(rich_markup_mode=None, help="Run the app's cron jobs on demand.", no_args_is_help=True)

Group = Annotated[str, typer.Argument(help="The group (state) or groupId (stream).")]
Key = Annotated[str, typer.Argument(help="The key (state) or item id (stream).")]


def _print(value: object) -> None:
    typer.echo(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


def _namespace_state() -> str:
    from motia.storage.backend import STATE_NAMESPACE  # noqa: PLC0415 (the runtime, when a command runs)

    return STATE_NAMESPACE


def _namespace_stream(stream: str) -> str:
    from motia.storage.backend import stream_namespace  # noqa: PLC0415

    return stream_namespace(stream)


def _get(root: Path, namespace: str, group: str, key: str, what: str) -> None:
    value = on_backend(root, lambda b: b.get(namespace, group, key))
    if value is None:
        typer.echo(f"error: no {what} {group}/{key}", err=True)
        raise typer.Exit(1)
    _print(value)


async def _listing(backend: Backend, namespace: str, group: str | None) -> Any:
    if group is None:
        return await backend.list_groups(namespace)
    return dict(await backend.get_group(namespace, group))


@state_app.command("get")
def state_get(group: Group, key: Key, app: AppOption = None) -> None:
    """Print the value at GROUP KEY (exit 1 when there is none)."""
    _get(app or Path("."), _namespace_state(), group, key, "state value")


@state_app.command("list")
def state_list(
    group: Annotated[str | None, typer.Argument(help="A group: its keys and values.")] = None,
    app: AppOption = None,
) -> None:
    """The state's groups, or with GROUP its keys and values."""
    namespace = _namespace_state()
    _print(on_backend(app or Path("."), lambda b: _listing(b, namespace, group)))


@state_app.command("set")
def state_set(
    group: Group,
    key: Key,
    value: Annotated[str, typer.Argument(help="The value, as JSON.")],
    app: AppOption = None,
) -> None:
    """Store VALUE (JSON) at GROUP KEY. State triggers do not fire for it."""
    try:
        data = json.loads(value)
    except json.JSONDecodeError as error:
        typer.echo(f"error: VALUE is not valid JSON: {error}", err=True)
        raise typer.Exit(2) from None
    namespace = _namespace_state()
    on_backend(app or Path("."), lambda b: b.set(namespace, group, key, data))
    typer.echo(f"set {group}/{key}")


@state_app.command("delete")
def state_delete(group: Group, key: Key, app: AppOption = None) -> None:
    """Delete GROUP KEY and print what it held (exit 1 when there was nothing)."""
    namespace = _namespace_state()
    old = on_backend(app or Path("."), lambda b: b.delete(namespace, group, key))
    if old is None:
        typer.echo(f"error: no state value {group}/{key}", err=True)
        raise typer.Exit(1)
    _print(old)


@stream_app.command("get")
def stream_get(
    stream: Annotated[str, typer.Argument(help="The stream's name.")],
    group: Group,
    item: Key,
    app: AppOption = None,
) -> None:
    """Print the item ITEM of STREAM's group GROUP (exit 1 when there is none)."""
    _get(app or Path("."), _namespace_stream(stream), group, item, f"{stream} item")


@stream_app.command("list")
def stream_list(
    stream: Annotated[str, typer.Argument(help="The stream's name.")],
    group: Annotated[str | None, typer.Argument(help="A groupId: its items.")] = None,
    app: AppOption = None,
) -> None:
    """STREAM's groups, or with GROUP its items by id."""
    namespace = _namespace_stream(stream)
    _print(on_backend(app or Path("."), lambda b: _listing(b, namespace, group)))


@cron_app.command("run")
def cron_run(
    name: Annotated[str, typer.Argument(help="The cron step's name.")],
    app: AppOption = None,
) -> None:
    """Run the cron job of step NAME once, now, as a tick would: the running app (any one instance)
    picks the request up from the queue, or runs it when it starts. A failed run is a dead letter."""
    root = (app or Path(".")).resolve()
    jobs = _cron_steps(root)
    if name not in jobs:
        from motia_gen.diagnostics.suggest import suggestion  # noqa: PLC0415

        hint = suggestion(name, jobs)
        typer.echo(f"error: the app has no cron job named {name!r}" + (f"; {hint}" if hint else ""), err=True)
        raise typer.Exit(1)
    from motia import cron_runs  # noqa: PLC0415
    from motia.delivery.engine import new_trace_id  # noqa: PLC0415

    trace = new_trace_id()
    now = datetime.datetime.now(datetime.UTC).timestamp()
    on_backend(root, lambda b: cron_runs.request_run(b, name, trace_id=trace, now=now))
    typer.echo(f"queued a run of {name} (trace {trace}): the app runs it once it picks it up")


def _cron_steps(root: Path) -> list[str]:
    """The names of the app's cron steps, read statically (the app is checked as `motia validate` does)."""
    from motia_gen.frontend import Overrides, validate_app  # noqa: PLC0415

    front = validate_app(root, Overrides())
    return sorted(s.name for s in front.app.steps if any(t.kind == "cron" for t in s.triggers))
