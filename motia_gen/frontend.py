"""discover → parse → model: the front end, as one call the CLI and the tests share.

Python files go through libcst (`parse`) and the evaluator; the TypeScript and JavaScript files of a mixed
app through `model.foreign` (tree-sitter and a closed literal reader). Both give model steps and streams,
cached alike, so every whole-app check sees one app."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from motia_gen import model
from motia_gen.check import schemas
from motia_gen.check.imports import unknown_runtime_imports
from motia_gen.check.runner import check_app, check_definitions
from motia_gen.diagnostics import Diagnostic, Span, diag, sort_diagnostics
from motia_gen.diagnostics.suppress import MARKER
from motia_gen.discover import SourceFile, discover
from motia_gen.evaluate.evaluator import Evaluator
from motia_gen.evaluate.symbols import Symbols
from motia_gen.model.definitions import DefinitionReader
from motia_gen.model.stream_auth import AuthHookReader
from motia_gen.parse import ir
from motia_gen.parse.cache import CompileCache, dumps
from motia_gen.parse.project import Dependencies, Project, parse_bytes
from motia_gen.settings import Settings, load_settings

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
class UnitRecord:
    """The result of reading one step or stream file, and every input it depended on (what the compile
    cache keeps per definition file; see `motia_gen.parse.cache`)."""

    path: str
    files: tuple[tuple[str, str], ...]  # (root-relative path, content digest; "" when unreadable)
    names: tuple[tuple[str, str | None], ...]  # module name looked up → the file it resolved to
    steps: tuple[model.Step, ...]
    streams: tuple[model.Stream, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class FrontEnd:
    app: model.App
    settings: Settings
    diagnostics: tuple[Diagnostic, ...]
    sources: tuple[tuple[str, str], ...] = ()  # every file read, with its SHA-256 (for a build's manifest)
    # Every file read: the bytes of those that may hold ignore comments, None for the others (so the
    # whole-app checks need not read the app again; see `suppress.read_ignores`).
    marked: Mapping[str, bytes | None] = field(default_factory=dict)


def load_app(root: Path, overrides: Overrides = Overrides()) -> FrontEnd:
    settings, problems = load_settings(root)
    settings = _apply(settings, overrides)
    files = discover(root, settings)
    context = "|".join(settings.source_roots)
    cache = (
        CompileCache.for_app(root, context, UnitRecord)
        if overrides.use_cache
        else CompileCache.disabled(UnitRecord)
    )
    project = Project(root, source_roots=settings.source_roots, cache=cache)
    schemas.remember_valid(cache.valid_schemas)
    python = tuple(f for f in files if f.language == "python")
    project.register(f.path for f in python)
    with _bulk_allocation():
        reused = _reusable_units(project, files)
        stale = tuple(f for f in files if f.path not in reused)
        _parse_all(project, tuple(f for f in stale if f.language == "python"), overrides.workers)
        units = {**reused, **_read_units(project, stale, settings)}
        authenticate, found = _authenticate(project, python, settings)  # before saving: it may parse a file
        # (Before the GC is back: it would walk every unit.)
        cache.save(project.contents(), units.keys(), schemas.valid_digests())
    records = [units[f.path] for f in files]
    diagnostics = [*problems, *(d for r in records for d in r.diagnostics), *found]
    if not files:
        where = ", ".join(f"{d}/" for d in settings.dirs) or "the configured globs"
        diagnostics.append(
            diag("MG100", Span.file_start("."), f"no step or stream files found under {where}")
        )
    app = model.App(
        steps=tuple(sorted((s for r in records for s in r.steps), key=lambda s: s.span)),
        streams=model.merge_streams(s for r in records for s in r.streams),
        files=tuple(f.path for f in files),
        authenticate=authenticate,
    )
    sources = tuple(sorted((path, sha) for path, sha in project.contents().items() if sha))
    marked = {path: data if data and MARKER in data else None for path, data in project.read_files().items()}
    return FrontEnd(app, settings, sort_diagnostics(diagnostics), sources, marked)


def validate_app(root: Path, overrides: Overrides = Overrides()) -> FrontEnd:
    """The front end, then the whole-app checks: what `motia validate` reports."""
    front = load_app(root, overrides)
    checked = check_app(front.app, front.settings, root, front.diagnostics, front.marked)
    return replace(front, diagnostics=checked)


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


def _reusable_units(project: Project, files: tuple[SourceFile, ...]) -> dict[str, UnitRecord]:
    """Cached results of definition files none of whose inputs changed."""
    found: dict[str, UnitRecord] = {}
    for source in files:
        record = project.cache.unit(source.path)
        if record is not None and project.unchanged(record):
            found[source.path] = record
    return found


def _parse_all(project: Project, files: tuple[SourceFile, ...], workers: int | None) -> None:
    """Parse the given definition files and, wave by wave, the project modules they import, in a
    process pool when there are many (configs mostly read their schemas from imported modules). A pool
    whose worker dies (killed, out of memory) is given up: what it had not parsed is parsed here."""
    pending = [(f.path, f.kind == "step") for f in files]
    pool: ProcessPoolExecutor | None = None
    try:
        while pending:
            jobs = _uncached(project, pending)
            if pool is None and len(jobs) >= _POOL_THRESHOLD and workers != 1:
                pool = ProcessPoolExecutor(max_workers=workers)
            if pool is not None and jobs:
                chunk = max(1, len(jobs) // ((workers or 2) * 8))
                try:
                    for (path, _name, _data, bodies), blob in zip(
                        jobs, pool.map(_parse_job, jobs, chunksize=chunk), strict=True
                    ):
                        project.cache.store_module(path, project.content(path), bodies, blob)
                except BrokenProcessPool:
                    pool.shutdown(cancel_futures=True)
                    pool, workers = None, 1  # the rest are parsed in this process, below
            parsed = [project.load(path, bodies=bodies) for path, bodies in pending]
            pending = _imported_files(project, parsed)
    finally:
        if pool is not None:
            pool.shutdown()


def _uncached(project: Project, pending: list[tuple[str, bool]]) -> list[tuple[str, str | None, bytes, bool]]:
    jobs: list[tuple[str, str | None, bytes, bool]] = []
    for path, bodies in pending:
        data = project.read(path)
        if data is not None and project.cache.module(path, project.content(path), bodies) is None:
            jobs.append((path, project.name_for(path), data, bodies))
    return jobs


def _imported_files(project: Project, modules: Iterable[ir.ModuleIR]) -> list[tuple[str, bool]]:
    """Project files imported by these modules that are not parsed yet."""
    found: dict[str, bool] = {}
    for parsed in modules:
        for binding in parsed.bindings.values():
            if not isinstance(binding, ir.ImportedName):
                continue
            names = (
                [binding.module]
                if binding.name is None
                else [binding.module, f"{binding.module}.{binding.name}"]
            )
            for name in names:
                path = project.locate(name) if name else None
                if path is not None and project.loaded(path) is None:
                    found[path] = False
    return sorted(found.items())


def _parse_job(job: tuple[str, str | None, bytes, bool]) -> bytes:
    """In a worker: the module's pickle, which the cache keeps as is (no second pickling)."""
    gc.disable()  # in a worker; in this process it is already off (see _bulk_allocation)
    return dumps(parse_bytes(*job))


def _read_units(project: Project, files: tuple[SourceFile, ...], settings: Settings) -> dict[str, UnitRecord]:
    """Read the steps and streams of each file and run the per-file checks on them, recording what each
    one depended on."""
    evaluator = Evaluator(Symbols(project))
    reader = DefinitionReader(evaluator)
    units: dict[str, UnitRecord] = {}
    for source in files:
        if source.language != "python":
            units[source.path] = _foreign_unit(project, source, settings)
            continue
        evaluator.forget()
        start = len(evaluator.diagnostics)
        with project.tracking() as dependencies:
            module = project.load(source.path, bodies=source.kind == "step")
            steps = reader.steps(module) if source.kind == "step" else []
            streams = reader.streams(module) if source.kind == "stream" else reader.stream_handles(module)
        found = [
            *evaluator.diagnostics[start:],
            *check_definitions(steps, streams, settings, project.root),
            *unknown_runtime_imports(module),
        ]
        record = _unit(project, source.path, dependencies, steps, streams, found)
        project.cache.store_unit(source.path, record)
        units[source.path] = record
    return units


def _foreign_unit(project: Project, source: SourceFile, settings: Settings) -> UnitRecord:
    """A TypeScript or JavaScript step or stream file: its config read without running it."""
    from motia_gen.model.foreign import read_foreign  # noqa: PLC0415 (tree-sitter: mixed apps only)

    data = project.read(source.path)
    if data is None:
        message = f"cannot read the file: {project.problem(source.path)}"
        found = [diag("MG102", Span.file_start(source.path), message)]
        steps, streams = [], []
        imported: tuple[str, ...] = ()
    else:
        unit = read_foreign(source.path, data, source.kind, project.read)
        steps, streams = list(unit.steps), list(unit.streams)
        found = [*unit.diagnostics, *check_definitions(steps, streams, settings, project.root)]
        imported = unit.files
    record = UnitRecord(
        path=source.path,
        files=tuple((f, project.content(f)) for f in sorted({source.path, *imported})),
        names=(),
        steps=tuple(steps),
        streams=tuple(streams),
        diagnostics=sort_diagnostics(found),
    )
    project.cache.store_unit(source.path, record)
    return record


def _authenticate(
    project: Project, files: tuple[SourceFile, ...], settings: Settings
) -> tuple[model.FunctionRef | None, list[Diagnostic]]:
    """The app's stream `authenticate` hook: the `stream-auth` setting, then every `set_authenticate(...)`
    call in the step and stream files, in discovery order. Read on every run rather than cached with the
    units: only files that mention `set_authenticate` are looked at, and only the setting's file may need
    parsing."""
    reader = AuthHookReader(Evaluator(Symbols(project)))
    declarations = []
    if settings.stream_auth is not None:
        module = project.load(settings.stream_auth.file, bodies=False)
        reader.sink.extend(module.diagnostics)
        declarations.append(reader.authenticate_setting(module, settings.stream_auth))
    for source in files:
        data = project.read(source.path)
        if data is not None and b"set_authenticate" in data:
            module = project.load(source.path, bodies=source.kind == "step")
            declarations.extend(reader.authenticate_calls(module))
    return reader.authenticate(declarations), reader.sink


def _unit(
    project: Project,
    path: str,
    dependencies: Dependencies,
    steps: list[model.Step],
    streams: list[model.Stream],
    found: list[Diagnostic],
) -> UnitRecord:
    """A file's result with its inputs; the parse diagnostics of every file it read belong to it too."""
    files = sorted(dependencies.files)
    parse_diagnostics = [d for f in files for d in _module_diagnostics(project, f)]
    return UnitRecord(
        path=path,
        files=tuple((f, project.content(f)) for f in files),
        names=tuple(sorted(dependencies.names.items())),
        steps=tuple(steps),
        streams=tuple(streams),
        diagnostics=sort_diagnostics([*found, *parse_diagnostics]),
    )


def _module_diagnostics(project: Project, path: str) -> tuple[Diagnostic, ...]:
    parsed = project.loaded(path)
    return () if parsed is None else parsed.diagnostics
