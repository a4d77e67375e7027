"""Serving a built app: load `dist/dispatch.py`, make the ASGI app, run uvicorn.

    spec = load_dispatch("dist")                 # the AppSpec the compiler wrote out
    app = create_app(spec, root=".")             # SQLite data in ./.motia/motia.sqlite3
    serve("dist", host="127.0.0.1", port=3000)   # both, then uvicorn with one worker

One worker, because the runtime is one process's event loop: its queue consumers, cron scheduler and
stream clients live there (several instances share work through the backend, not through uvicorn's
worker processes).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import logging
import signal
import sys
import traceback
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from motia.logging import configure_logging
from motia.runtime import Runtime
from motia.spec import AppSpec
from motia.storage import select
from motia.storage.backend import Backend
from motia.storage.redis_backend import RedisUnavailable
from motia.storage.sqlite import DatabaseUnusable, SqliteBackend
from motia.web import dotenv
from motia.web.app import HttpApp
from motia.web.limits import http_options
from motia.workbench import loopback
from motia.workbench.api import GRAPH_FILE, Workbench, WorkbenchOptions

__all__ = ["DISPATCH_FILE", "create_app", "load_dispatch", "serve"]

log = logging.getLogger("motia.web.serve")

DISPATCH_FILE = "dispatch.py"
DISPATCH_MODULE = "motia_dispatch"


def load_dispatch(dist_dir: str | Path, *, root: str | Path | None = None) -> AppSpec:
    """The `APP` of `<dist_dir>/dispatch.py`, imported by path.

    `root` is the app's folder (default: the parent of `dist_dir`); it goes first on `sys.path` so the
    dispatch module's plain `import steps.orders...` statements find the app's modules.
    """
    dist = Path(dist_dir)
    path = dist / DISPATCH_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; run `motia build` first")
    app_root = str(Path(root) if root is not None else dist.resolve().parent)
    if app_root not in sys.path:
        sys.path.insert(0, app_root)
    try:
        module = _import(path)
    except Exception as error:
        raise AppImportError.of(error, Path(app_root), dist) from error
    app = getattr(module, "APP", None)
    if not isinstance(app, AppSpec):
        raise TypeError(f"{path} must define APP = AppSpec(...), found {type(app).__name__}")
    return app


class AppImportError(ImportError):
    """Importing the app's own modules failed: a package the app needs is missing, or its module-level
    code raised. Says where, in the app's terms, without the runtime's frames."""

    @classmethod
    def of(cls, error: Exception, app_root: Path, dist: Path) -> AppImportError:
        root = app_root.resolve()
        where = ""
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            file = Path(frame.filename).resolve()
            if file.is_relative_to(root) and not file.is_relative_to(dist.resolve()):
                where = f" at {file.relative_to(root).as_posix()}:{frame.lineno}"
                break
        return cls(f"the app could not be imported{where}: {type(error).__name__}: {error}")


def _backend(root: Path, given: str | None) -> Backend:
    """The backend chosen for the app, opened; a Redis server that does not answer stops the start with a
    line saying so (a server that answered and then drops is reconnected to by the client)."""
    value = select.chosen(root, given)
    try:
        backend = select.open_backend(root, value)
    except (select.BackendChoiceError, RedisUnavailable) as error:
        sys.stderr.write(f"motia: {error}\n")
        raise SystemExit(1) from None
    if select.is_redis(value):
        problem = asyncio.run(_probe(root, value))
        if problem is not None:
            sys.stderr.write(f"motia: cannot reach the Redis backend at {select.masked(value)}: {problem}\n")
            raise SystemExit(1)
    return backend


async def _probe(root: Path, value: str) -> str | None:
    """What is wrong with the backend now (a probe of its own: the served one lives on uvicorn's loop)."""
    probe = select.open_backend(root, value)
    try:
        return await probe.check()
    finally:
        await probe.close()


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(DISPATCH_MODULE, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(DISPATCH_MODULE)
    sys.modules[DISPATCH_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if previous is None:
            del sys.modules[DISPATCH_MODULE]
        else:
            sys.modules[DISPATCH_MODULE] = previous
        raise
    return module


def create_app(
    spec: AppSpec,
    backend: Backend | None = None,
    *,
    root: str | Path = ".",
    emit: bool = False,
    owned: bool | None = None,
    workers: bool = True,
    access_log: bool = False,
    workbench: WorkbenchOptions | None = None,
    name: str = "app",
) -> HttpApp:
    """The ASGI app serving `spec`. Without `backend`, the app's data lives in SQLite at
    `<root>/.motia/motia.sqlite3`. The app closes its backend on shutdown when it owns it (by default, when
    it opened it). `emit`: serve `POST /emit` when the app's settings do not say (off by default).
    `workers=False`: no queue consumers and no cron here, only HTTP (events wait for other instances).
    `access_log`: a line per request on the `motia.http.access` logger (method, path, status, time,
    trace id). `workbench`: serve the Workbench (`motia.workbench`) of the app called `name`."""
    owned = backend is None if owned is None else owned
    store: Backend = SqliteBackend(select.sqlite_path(Path(root))) if backend is None else backend
    runtime = Runtime(spec, store, close_backend=owned, cron=workers, consume=workers)
    bench = None if workbench is None else Workbench(runtime, workbench, name=name)
    return HttpApp(runtime, emit=emit, access_log=access_log, workbench=bench)


def serve(
    dist_dir: str | Path = "dist",
    host: str = "127.0.0.1",
    port: int = 3000,
    *,
    root: str | Path | None = None,
    log_level: str = "info",
    emit: bool = False,
    limit_concurrency: int | None = None,
    backend: str | None = None,
    http: bool = True,
    workers: bool = True,
    access_log: bool = False,
    fd: int | None = None,
    ready_file: str | None = None,
    workbench: WorkbenchOptions | None = None,
) -> None:
    """Load the built app in `dist_dir` and serve it with uvicorn (one worker) until interrupted. The
    app's log lines go to stderr as `motia.logging.configure_logging` sets them up. `backend`: see
    `motia.storage.select` (SQLite unless something says otherwise). `http=False`: a worker, no HTTP
    (queue consumers and cron only); `workers=False`: HTTP only (see `create_app`). `fd`: serve on this
    listening socket, inherited, instead of binding `host`:`port` (`motia dev` hands one socket from each
    build's server to the next); `ready_file`: written once the app serves (its runtime started);
    `workbench`: serve the Workbench page and API at `/__motia/` (also when `MOTIA_WORKBENCH=1`; off
    loopback it needs a token)."""
    if not (http or workers):
        sys.stderr.write("motia: without HTTP and without workers there is nothing to run\n")
        raise SystemExit(2)
    configure_logging()
    if workbench is None and http:
        workbench = WorkbenchOptions.from_environment()
    if workbench is not None:
        if workbench.token is None and not loopback(host):
            sys.stderr.write(f"motia: the Workbench on {host} needs a token (--workbench-token)\n")
            raise SystemExit(2)
        workbench = replace(workbench, graph_file=Path(dist_dir) / GRAPH_FILE)
    app_root = Path(root) if root is not None else Path(dist_dir).resolve().parent
    dotenv.load(app_root)  # before the step modules are imported: they may read the environment then
    try:
        spec = load_dispatch(dist_dir, root=app_root)
        store = _backend(app_root, backend)
    except (AppImportError, DatabaseUnusable) as error:
        sys.stderr.write(f"motia: {error}\n")
        raise SystemExit(1) from None
    # Everything loaded so far lives as long as the server: keep it out of the cyclic GC's scans, which
    # would otherwise walk every step module and model on each full collection. (No collection first:
    # the little garbage the imports left is not worth a full pass before the first request.)
    gc.freeze()
    name = app_root.name or str(app_root)
    if not http:
        log.info("working on %s, no HTTP: %s", name, _counts(spec, routes=False))
        _run_loop(_work(Runtime(spec, store, close_backend=True)))
        return
    app = create_app(
        spec,
        store,
        root=app_root,
        emit=emit,
        owned=True,
        workers=workers,
        access_log=access_log,
        workbench=workbench,
        name=name,
    )
    import uvicorn  # noqa: PLC0415 (only serving HTTP needs it)

    only = "" if workers else " (HTTP only: queued events and cron jobs are left to the workers)"
    log.info("serving %s on http://%s:%d: %s%s", name, host, port, _counts(spec, routes=True), only)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        fd=fd,
        workers=1,
        log_level=log_level,
        lifespan="on",
        access_log=False,
        limit_concurrency=limit_concurrency,  # past it, new connections and requests get 503
        **http_options(),  # request heads past 64 KiB get 431
    )
    server = _server_class(uvicorn.Server)(config)
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(_serve(server, ready_file))


def _server_class(base: type[Any]) -> type[Any]:
    """uvicorn's server, telling the app when it begins to stop, before it waits for open connections
    (the Workbench's live streams end then, instead of holding the server until they time out)."""

    class Server(base):  # type: ignore[misc]
        async def shutdown(self, sockets: Any = None) -> None:
            stopping = getattr(self.config.app, "stopping", None)
            if callable(stopping):
                stopping()
            await super().shutdown(sockets)

    return Server


async def _serve(server: Any, ready_file: str | None) -> None:
    """uvicorn's `serve`, and the ready file written once it has started (lifespan run, socket open)."""
    if ready_file is None:
        await server.serve()
        return

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.02)
        Path(ready_file).write_text("ready\n", encoding="utf-8")

    announcing = asyncio.ensure_future(announce())
    try:
        await server.serve()
    finally:
        announcing.cancel()


def _counts(spec: AppSpec, *, routes: bool) -> str:
    kinds = [(spec.subscriptions, "subscription"), (spec.crons, "cron job"), (spec.streams, "stream")]
    if routes:
        kinds.insert(0, (spec.routes, "route"))
    return ", ".join(_count(len(items), noun) for items, noun in kinds)


async def _work(runtime: Runtime) -> None:
    """A worker: the runtime's queue consumers and cron scheduler, until SIGINT or SIGTERM; then running
    handlers get their grace period, as when a server stops."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with runtime:
        await stop.wait()
        log.info("stopping: running handlers get a few seconds to finish")


def _run_loop(main: Coroutine[Any, Any, None]) -> None:
    """Run `main` on uvloop when installed (as uvicorn serves), else on asyncio's own loop."""
    try:
        import uvloop  # noqa: PLC0415 (optional)
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def main(argv: list[str] | None = None) -> None:
    """`python -m motia serve DIST [--host H] [--port P] [--root APP]`: serve a built app from a process
    that loads only the runtime (`motia start` hands over to it once the app is built)."""
    parser = argparse.ArgumentParser(prog="python -m motia", description=main.__doc__)
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("dist", help="the folder `motia build` wrote")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--root", default=None, help="the app's folder (default: the parent of DIST)")
    parser.add_argument("--log-level", default="warning", help="uvicorn's own log level")
    parser.add_argument("--emit", action="store_true", help="serve POST /emit (unless the app turns it off)")
    parser.add_argument(
        "--limit-concurrency", type=int, default=None, help="connections and requests at once"
    )
    parser.add_argument("--backend", default=None, help="'sqlite' or a Redis URL (see motia.storage.select)")
    parser.add_argument("--no-http", dest="http", action="store_false", help="a worker: no HTTP server")
    parser.add_argument(
        "--no-workers", dest="workers", action="store_false", help="HTTP only: no queue consumers, no cron"
    )
    parser.add_argument("--access-log", action="store_true", help="a log line per request")
    parser.add_argument("--fd", type=int, default=None, help="serve on this inherited listening socket")
    parser.add_argument("--ready-file", default=None, help="written once the app serves")
    args = parser.parse_args(argv)
    serve(
        args.dist,
        args.host,
        args.port,
        root=args.root,
        log_level=args.log_level,
        emit=args.emit,
        limit_concurrency=args.limit_concurrency,
        backend=args.backend,
        http=args.http,
        workers=args.workers,
        access_log=args.access_log,
        fd=args.fd,
        ready_file=args.ready_file,
    )
