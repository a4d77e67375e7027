"""Operating an app: `motia emit` and `motia dlq list|replay` (`motia start` is in `cli/start.py`).

`emit` posts to the running app's `POST /emit` endpoint. The `dlq` commands work on the app's backend
directly (the one `motia start` would choose: `MOTIA_BACKEND`, `[tool.motia] backend`, else the SQLite file
`.motia/motia.sqlite3` under the app root), so dead letters can be inspected and replayed whether the app
is running or not: a running app picks replayed messages up within its idle poll.
"""

from __future__ import annotations

import datetime
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from motia_gen.cli.options import AppPath

if TYPE_CHECKING:  # the runtime is imported only by the commands that use it
    from motia.storage.backend import Backend, DeadLetter

dlq_app = typer.Typer(
    rich_markup_mode=None,  # plain help: docstrings as written, no markup eaten
    help="Inspect and replay dead letters (messages that ran out of retries or failed validation).",
    no_args_is_help=True,
)


class ListFormat(StrEnum):
    text = "text"
    json = "json"


def emit(
    topic: Annotated[str, typer.Option("--topic", "-t", help="The topic to emit on.")],
    message: Annotated[str, typer.Option("--message", "-m", help="The event's data, as JSON.")],
    port: Annotated[int, typer.Option("--port", "-p", help="The running app's port.")] = 3000,
    host: Annotated[str, typer.Option("--host", help="The running app's host.")] = "localhost",
    group: Annotated[
        str | None, typer.Option("--group", "-g", help="The messageGroupId, for FIFO subscribers.")
    ] = None,
) -> None:
    """Emit an event to a running app (through its POST /emit endpoint)."""
    try:
        data = json.loads(message)
    except json.JSONDecodeError as error:
        typer.echo(f"error: --message is not valid JSON: {error}", err=True)
        raise typer.Exit(2) from None
    sent: dict[str, Any] = {"topic": topic, "data": data}
    if group is not None:
        sent["messageGroupId"] = group
    body = json.dumps(sent).encode()
    url = f"http://{host}:{port}/emit"
    import urllib.error  # noqa: PLC0415 (the other commands have no use for it)
    import urllib.request  # noqa: PLC0415

    request = urllib.request.Request(url, body, {"content-type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            typer.echo(response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        typer.echo(f"error: {url} answered {error.code}: {error.read().decode('utf-8', 'replace')}", err=True)
        if error.code == 404:
            hint = "POST /emit is off unless the app sets `emit-endpoint = true` or runs `motia start --emit`"
            typer.echo(f"hint: {hint}", err=True)
        raise typer.Exit(1) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        typer.echo(f"error: cannot reach the app at {url} ({reason}); is `motia start` running?", err=True)
        raise typer.Exit(2) from None


AppOption = Annotated[
    Path | None,
    typer.Option("--app", "-a", exists=True, file_okay=False, help="The app's root folder (default: .)."),
]


@dlq_app.command("list")
def dlq_list(
    path: AppPath = Path("."),
    app: AppOption = None,
    topic: Annotated[str | None, typer.Option("--topic", help="Only this topic.")] = None,
    step: Annotated[str | None, typer.Option("--step", help="Only this subscribing step.")] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
) -> None:
    """List the dead letters, oldest first. The app is the argument or `--app`, as `dlq replay` takes it."""
    root = app or path
    letters = on_backend(root, lambda b: b.dead_letters(topic=topic, subscriber=step))
    if output_format is ListFormat.json:
        typer.echo(json.dumps([_as_json(letter) for letter in letters], indent=2, sort_keys=True))
        return
    if not letters:
        typer.echo("no dead letters")
        return
    for letter in letters:
        typer.echo(_as_text(letter))
    typer.echo(f"{len(letters)} dead letter{'s' if len(letters) != 1 else ''}")


@dlq_app.command("replay")
def dlq_replay(
    ids: Annotated[list[str] | None, typer.Argument(help="Dead letter ids (from `motia dlq list`).")] = None,
    app: AppOption = None,
    replay_all: Annotated[bool, typer.Option("--all", help="Replay every dead letter.")] = False,
) -> None:
    """Queue dead letters again; their attempts start over."""
    if not ids and not replay_all:
        typer.echo("error: give dead letter ids, or --all", err=True)
        raise typer.Exit(2)
    outcome = on_backend(app or Path("."), lambda b: _replay(b, ids or [], replay_all))
    missing = [letter_id for letter_id, new_id in outcome if new_id is None]
    for letter_id, new_id in outcome:
        if new_id is not None:
            typer.echo(f"replayed {letter_id} as message {new_id}")
    for letter_id in missing:
        typer.echo(f"error: no dead letter {letter_id}", err=True)
    if missing:
        raise typer.Exit(1)


async def _replay(backend: Backend, ids: list[str], replay_all: bool) -> list[tuple[str, str | None]]:
    if replay_all:
        ids = [letter.id for letter in await backend.dead_letters()]
    now = datetime.datetime.now(datetime.UTC).timestamp()
    return [(letter_id, await backend.replay(letter_id, now=now)) for letter_id in ids]


def on_backend(root: Path, action: Any) -> Any:
    """`with_backend`, run to its end (asyncio loaded by the commands that use a backend only)."""
    import asyncio  # noqa: PLC0415

    return asyncio.run(with_backend(root, action))


async def with_backend(root: Path, action: Any) -> Any:
    """`action` on the app's backend: the one `motia start` would choose (`MOTIA_BACKEND`, `[tool.motia]
    backend`, else the SQLite file)."""
    from motia.storage import select  # noqa: PLC0415
    from motia.storage.redis_backend import RedisUnavailable  # noqa: PLC0415
    from motia.storage.sqlite import DatabaseUnusable  # noqa: PLC0415

    value = select.chosen(root)
    database = select.sqlite_path(root)
    if value == "sqlite" and not database.is_file():
        typer.echo(f"error: {database} does not exist; the app has not run here yet", err=True)
        raise typer.Exit(2)
    try:
        backend = select.open_backend(root, value)
    except (DatabaseUnusable, select.BackendChoiceError, RedisUnavailable) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    try:
        if (problem := await backend.check()) is not None and select.is_redis(value):
            typer.echo(
                f"error: cannot reach the Redis backend at {select.masked(value)}: {problem}", err=True
            )
            raise typer.Exit(2)
        return await action(backend)
    finally:
        await backend.close()


def _as_json(letter: DeadLetter) -> dict[str, Any]:
    return {
        "id": letter.id,
        "topic": letter.topic,
        "step": letter.subscriber,
        "reason": letter.reason,
        "attempts": letter.attempts,
        "failedAt": _when(letter.failed_at),
        "traceId": letter.trace_id,
        "messageGroupId": letter.group_id,
        "payload": letter.payload,
    }


def _as_text(letter: DeadLetter) -> str:
    payload = json.dumps(letter.payload, sort_keys=True)
    payload = payload if len(payload) <= 200 else payload[:197] + "..."
    group = f" group {letter.group_id}" if letter.group_id else ""
    return (
        f"{letter.id}  {letter.topic} → {letter.subscriber}{group}  failed {_when(letter.failed_at)} after "
        f"{letter.attempts} attempt{'s' if letter.attempts != 1 else ''}\n"
        f"    reason: {letter.reason}\n    trace: {letter.trace_id}\n    payload: {payload}"
    )


def _when(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).isoformat(timespec="seconds")
