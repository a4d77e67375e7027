"""discover → parse → model: the front end, as one call the CLI and the tests share."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from motia_gen import model
from motia_gen.cache import ParseCache
from motia_gen.definitions import DefinitionReader
from motia_gen.diagnostics import Diagnostic, Span, diag, sort_diagnostics
from motia_gen.discover import SourceFile, discover
from motia_gen.evaluate import Evaluator
from motia_gen.parse import ir
from motia_gen.project import Project, parse_bytes
from motia_gen.settings import Settings, load_settings
from motia_gen.symbols import Symbols

# Below this many files to parse, a process pool costs more to start than it saves.
_POOL_THRESHOLD = 200


@dataclass(frozen=True, slots=True)
class Overrides:
    """CLI flags that replace `[tool.motia]` values when given."""

    dirs: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    use_cache: bool = True
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class FrontEnd:
    app: model.App
    settings: Settings
    diagnostics: tuple[Diagnostic, ...]


def load_app(root: Path, overrides: Overrides = Overrides()) -> FrontEnd:
    settings, problems = load_settings(root)
    settings = _apply(settings, overrides)
    files = discover(root, settings)
    cache = ParseCache.for_app(root) if overrides.use_cache else ParseCache.disabled()
    project = Project(root, source_roots=settings.source_roots, cache=cache)
    with _bulk_allocation():
        _parse_all(project, files, cache, overrides.workers)
        app, found = _read_definitions(project, files)
    cache.save()
    diagnostics = [*problems, *found, *(d for m in project.modules() for d in m.diagnostics)]
    if not files:
        where = ", ".join(f"{d}/" for d in settings.dirs) or "the configured globs"
        diagnostics.append(
            diag("MG100", Span.file_start("."), f"no step or stream files found under {where}")
        )
    return FrontEnd(app, settings, sort_diagnostics(diagnostics))


def _apply(settings: Settings, overrides: Overrides) -> Settings:
    if overrides.dirs:
        settings = replace(settings, dirs=overrides.dirs)
    if overrides.include:
        settings = replace(settings, include=settings.include + overrides.include)
    if overrides.exclude:
        settings = replace(settings, exclude=settings.exclude + overrides.exclude)
    return settings


@contextmanager
def _bulk_allocation() -> Iterator[None]:
    """The cyclic GC roughly doubles bulk-parse time (many short-lived containers, no cycles of note)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_all(
    project: Project, files: tuple[SourceFile, ...], cache: ParseCache, workers: int | None
) -> None:
    """Parse the discovered files, in a process pool when many are not in the cache."""
    pending: list[tuple[str, str | None, bytes, bool, str]] = []
    for source in files:
        try:
            data = (project.root / source.path).read_bytes()
        except OSError:
            continue  # Project.load reports it
        name = project.name_for(source.path)
        bodies = source.kind == "step"
        key = cache.key(source.path, name, data, bodies)
        found = cache.lookup(key)
        if found is not None:
            project.preload({source.path: found})
        else:
            pending.append((source.path, name, data, bodies, key))
    jobs = [p[:4] for p in pending]
    if len(pending) < _POOL_THRESHOLD or workers == 1:
        results: Iterable[ir.ModuleIR] = map(_parse_job, jobs)
        _store(project, cache, pending, results)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        chunk = max(1, len(pending) // ((workers or 2) * 8))
        _store(project, cache, pending, pool.map(_parse_job, jobs, chunksize=chunk))


def _store(
    project: Project,
    cache: ParseCache,
    pending: list[tuple[str, str | None, bytes, bool, str]],
    results: Iterable[ir.ModuleIR],
) -> None:
    """Keep parsed files in the cache and the project, so nothing is read or hashed twice."""
    for (path, *_rest, key), parsed in zip(pending, results, strict=True):
        cache.store(key, parsed)
        project.preload({path: parsed})


def _parse_job(job: tuple[str, str | None, bytes, bool]) -> ir.ModuleIR:
    gc.disable()  # in a worker; in this process it is already off (see _bulk_allocation)
    return parse_bytes(*job)


def _read_definitions(project: Project, files: tuple[SourceFile, ...]) -> tuple[model.App, list[Diagnostic]]:
    evaluator = Evaluator(Symbols(project))
    reader = DefinitionReader(evaluator)
    steps: list[model.Step] = []
    streams: list[model.Stream] = []
    for source in files:
        module = project.load(source.path, bodies=source.kind == "step")
        if source.kind == "step":
            steps.extend(reader.steps(module))
        else:
            streams.extend(reader.streams(module))
    app = model.App(
        steps=tuple(sorted(steps, key=lambda s: s.span)),
        streams=tuple(sorted(streams, key=lambda s: s.span)),
        files=tuple(f.path for f in files),
    )
    return app, evaluator.diagnostics
