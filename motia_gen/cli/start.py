"""`motia start`: serve the built app, building it first when there is none.

Kept apart from the other commands and light to import: `motia` runs this module without loading the
compiler (see `motia_gen.__main__`; only discovery and the settings it reads come along, for the check
that no step file was added since the build) and serves a built app in the same process; when it has to
build first, it hands over to a fresh interpreter that loads only the runtime.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from motia_gen.cli.options import AppPath, WorkbenchToken


def start(
    path: AppPath = Path("."),
    build_dir: Annotated[
        Path, typer.Option("--build", "-b", help="The built app: relative to the app root unless absolute.")
    ] = Path("dist"),
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 3000,
    host: Annotated[
        str, typer.Option("--host", "-H", help="Interface to listen on; 0.0.0.0 for every interface.")
    ] = "127.0.0.1",
    emit: Annotated[
        bool,
        typer.Option(
            "--emit", help="Serve POST /emit (publish to a topic over HTTP) unless [tool.motia] turns it off."
        ),
    ] = False,
    limit_concurrency: Annotated[
        int | None,
        typer.Option(
            "--limit-concurrency", min=1, help="Connections and requests served at once; past it, 503."
        ),
    ] = None,
    build_check: Annotated[
        bool,
        typer.Option(
            "--build-check/--no-build-check", help="Rebuild when an app file changed since the build."
        ),
    ] = True,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            help="Where the app's data lives: 'sqlite' (default) or a Redis URL "
            "(else MOTIA_BACKEND, else [tool.motia] backend).",
        ),
    ] = None,
    http: Annotated[
        bool,
        typer.Option(
            "--http/--no-http",
            help="Serve HTTP (routes, streams, health); --no-http makes a worker: queue consumers and cron.",
        ),
    ] = True,
    workers: Annotated[
        bool,
        typer.Option(
            "--workers/--no-workers",
            help="Handle queued events and run cron jobs here; --no-workers leaves them to other instances.",
        ),
    ] = True,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="A log line per request: method, path, status, time, trace id. On with --debug.",
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", "-d", help="Log at debug level (enqueues, deliveries, requests).")
    ] = False,
    motia_dir: Annotated[
        Path | None,
        typer.Option(
            "--motia-dir",
            help="Folder for the app's runtime data (the SQLite file); default: .motia in the app root.",
        ),
    ] = None,
    workbench: Annotated[
        bool, typer.Option("--workbench", help="Serve the Workbench web page and its API at /__motia/.")
    ] = False,
    workbench_token: WorkbenchToken = None,
) -> None:
    """Serve the built app (HTTP, queue, cron, state, streams); builds it first when it is not built, or
    when a file it was built from changed since."""
    if not (http or workers):
        typer.echo("motia: --no-http with --no-workers leaves nothing to run", err=True)
        raise typer.Exit(2)
    if workbench:
        workbench_environment(host, workbench_token, command="motia")
    root = path.resolve()
    dist = build_dir if build_dir.is_absolute() else root / build_dir
    if debug:
        os.environ["LOG_LEVEL"] = "debug"  # read by the runtime's logging, here or after the hand-over
        access_log = True
    if motia_dir is not None:
        os.environ["MOTIA_DIR"] = str(motia_dir.resolve())  # see motia.storage.select
    log_level = os.environ.get("UVICORN_LOG_LEVEL", "warning")
    changed = _changed_since_build(root, dist) if build_check else None
    if changed is not None:
        typer.echo(f"{changed} changed since {dist} was built: building it again", err=True)
    elif (dist / "dispatch.py").is_file():
        from motia.web.serve import serve  # noqa: PLC0415 (the runtime, only to serve)

        serve(
            dist,
            host,
            port,
            root=root,
            log_level=log_level,
            emit=emit,
            limit_concurrency=limit_concurrency,
            backend=backend,
            http=http,
            workers=workers,
            access_log=access_log,
        )
        return
    else:
        typer.echo(f"{dist} holds no built app: building it first", err=True)
    _build(root, dist)
    # Building loaded the compiler: the server gets a fresh process that loads only the runtime, so none
    # of the compiler's modules stay in memory (or in the garbage collector's way) while it serves.
    command = [sys.executable, "-m", "motia", "serve", str(dist), "--root", str(root)]
    command += ["--host", host, "--port", str(port), "--log-level", log_level, *(["--emit"] if emit else [])]
    if limit_concurrency is not None:
        command += ["--limit-concurrency", str(limit_concurrency)]
    if backend is not None:
        command += ["--backend", backend]
    flags = (("--no-http", not http), ("--no-workers", not workers), ("--access-log", access_log))
    command += [flag for flag, on in flags if on]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)


def _changed_since_build(root: Path, dist: Path) -> str | None:
    """The first app file whose contents differ from what the build read (per its manifest), or a step or
    stream file the build did not read (added since), or None."""
    try:
        sources = json.loads((dist / "manifest.json").read_text(encoding="utf-8")).get("sources", {})
    except (OSError, ValueError, AttributeError):
        return None  # no manifest: nothing to compare with (or no build: built next anyway)
    for relative, digest in sorted(sources.items()):
        target = root / relative
        try:
            if not target.is_file() or hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                return str(relative)
        except OSError:
            return str(relative)
    return _added_since(root, sources)


def _added_since(root: Path, sources: dict[str, str]) -> str | None:
    """A step or stream file discovery finds now that the build did not read. (Discovery loads the
    runtime's settings types, which serving loads anyway.)"""
    from motia_gen.discover import discover  # noqa: PLC0415
    from motia_gen.settings import load_settings  # noqa: PLC0415

    settings, _ = load_settings(root)
    for found in discover(root, settings):
        if found.path not in sources:
            return found.path
    return None


def _build(root: Path, dist: Path) -> None:
    from motia_gen.cli.build import build_command  # noqa: PLC0415 (the compiler, only when building)

    try:
        build_command(root, dist)
    except typer.Exit as done:
        if done.exit_code:
            raise


start_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
start_app.command()(start)  # the only command: `motia start ARGS` runs it with ARGS


def workbench_environment(
    host: str, token: str | None, *, command: str, dev: bool = False, diagnostics: Path | None = None
) -> None:
    """Turn the Workbench on for the server process (it reads these, see `motia.workbench.api`); exits
    when it would be served off loopback without a token."""
    from motia.workbench import loopback  # noqa: PLC0415

    token = token or None  # an empty token is none
    if token is None and not loopback(host):
        typer.echo(
            f"{command}: the Workbench on {host} is reachable from other machines: give it a token "
            "(--workbench-token or MOTIA_WORKBENCH_TOKEN)",
            err=True,
        )
        raise typer.Exit(2)
    os.environ["MOTIA_WORKBENCH"] = "1"
    if token is not None:
        os.environ["MOTIA_WORKBENCH_TOKEN"] = token
    if dev:
        os.environ["MOTIA_WORKBENCH_DEV"] = "1"
    if diagnostics is not None:
        os.environ["MOTIA_WORKBENCH_DIAGNOSTICS"] = str(diagnostics)
