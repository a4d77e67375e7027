"""The compile cache: a cached run gives exactly the uncached result, and redoes only what changed."""

from __future__ import annotations

import pickle
import shutil
import textwrap
from pathlib import Path

import pytest

from motia_gen import frontend
from motia_gen.frontend import FrontEnd, Overrides, UnitRecord, load_app
from motia_gen.parse import cache as cache_module
from motia_gen.parse import ir, project
from motia_gen.parse.cache import CompileCache
from tests.app_json import app_document
from tests.paths import REPO

ROOT = REPO

MODELS = """
from pydantic import BaseModel


class Order(BaseModel):
    id: str
    quantity: int
"""

STEP = """
from steps.models import Order

config = {{"type": "event", "name": "{name}", "subscribes": ["orders"], "emits": [], "input": Order}}


async def handler(data, context):
    context.logger.info("{name}")
"""


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed during a test, in order (serial parsing, so every parse is seen)."""
    seen: list[str] = []
    original = project.parse_bytes

    def counting(relative: str, name: str | None, data: bytes, bodies: bool) -> ir.ModuleIR:
        seen.append(relative)
        return original(relative, name, data, bodies)

    monkeypatch.setattr(project, "parse_bytes", counting)
    monkeypatch.setattr(frontend, "parse_bytes", counting)
    return seen


def run(root: Path, *, cache: bool = True) -> FrontEnd:
    return load_app(root, Overrides(use_cache=cache, workers=1))


def same(first: FrontEnd, second: FrontEnd) -> bool:
    return app_document(first.app) == app_document(second.app) and first.diagnostics == second.diagnostics


def test_cached_runs_equal_uncached_ones(tmp_path: Path) -> None:
    for case in (
        ROOT / "examples" / "messaging",
        ROOT / "golden" / "forms",
        ROOT / "golden" / "config_errors",
    ):
        app = tmp_path / case.name
        shutil.copytree(case, app)
        uncached = run(app, cache=False)
        assert same(run(app), uncached)  # filling the cache
        assert same(run(app), uncached)  # reading it


def test_unchanged_app_parses_nothing_and_an_edit_parses_one_file(tmp_path: Path, parses: list[str]) -> None:
    write(
        tmp_path,
        {"steps/models.py": MODELS} | {f"steps/s{i}_step.py": STEP.format(name=f"S{i}") for i in range(3)},
    )
    run(tmp_path)
    assert sorted(parses) == ["steps/models.py", "steps/s0_step.py", "steps/s1_step.py", "steps/s2_step.py"]
    parses.clear()
    run(tmp_path)
    assert parses == []
    (tmp_path / "steps/s1_step.py").write_text(STEP.format(name="Renamed"), encoding="utf-8")
    result = run(tmp_path)
    assert parses == ["steps/s1_step.py"]
    assert sorted(s.name for s in result.app.steps) == ["Renamed", "S0", "S2"]


def test_editing_an_imported_module_redoes_its_users(tmp_path: Path) -> None:
    write(tmp_path, {"steps/models.py": MODELS, "steps/a_step.py": STEP.format(name="A")})
    run(tmp_path)
    write(tmp_path, {"steps/models.py": MODELS.replace("quantity: int", "quantity: float")})
    (schema,) = [t.input for t in run(tmp_path).app.steps[0].triggers]  # type: ignore[union-attr]
    assert schema is not None
    assert schema.json["properties"]["quantity"]["type"] == "number"


def test_a_new_file_that_resolves_an_import_redoes_the_user(tmp_path: Path) -> None:
    write(tmp_path, {"steps/a_step.py": STEP.format(name="A")})
    assert [d.code for d in run(tmp_path).diagnostics] == ["MG107"]
    write(tmp_path, {"steps/models.py": MODELS})
    assert run(tmp_path).diagnostics == ()


def test_deleted_files_leave_the_result_and_the_cache(tmp_path: Path) -> None:
    write(tmp_path, {"steps/models.py": MODELS, "steps/a_step.py": STEP.format(name="A")})
    write(tmp_path, {"steps/b_step.py": STEP.format(name="B")})
    run(tmp_path)
    (tmp_path / "steps/b_step.py").unlink()
    assert [s.name for s in run(tmp_path).app.steps] == ["A"]
    stored = pickle.loads((tmp_path / ".motia/cache/compile-2.pickle").read_bytes())
    assert sorted(stored["units"]) == ["steps/a_step.py"]
    assert sorted(path for path, _bodies in stored["modules"]) == ["steps/a_step.py", "steps/models.py"]


def test_diagnostics_of_a_shared_model_survive_when_its_first_user_is_cached(tmp_path: Path) -> None:
    """A model translated once per run still belongs to every config that uses it."""
    models = MODELS.replace("quantity: int", "quantity: int = compute()")
    write(tmp_path, {"steps/models.py": models, "steps/a_step.py": STEP.format(name="A")})
    write(tmp_path, {"steps/b_step.py": STEP.format(name="B")})
    first = run(tmp_path)
    assert [d.code for d in first.diagnostics] == ["MG109"]
    (tmp_path / "steps/a_step.py").unlink()  # b's unit is reused from the cache
    assert [d.span.file for d in run(tmp_path).diagnostics] == ["steps/models.py"]


def test_changed_settings_or_compiler_ignore_the_cache(tmp_path: Path, parses: list[str]) -> None:
    write(tmp_path, {"steps/a_step.py": STEP.format(name="A").replace("steps.models", "models")})
    write(tmp_path, {"steps/models.py": MODELS})
    run(tmp_path)
    parses.clear()
    write(tmp_path, {"pyproject.toml": '[tool.motia]\nsource-roots = ["steps", "."]\n'})
    assert run(tmp_path).diagnostics == ()  # `models` now resolves through the new source root
    assert "steps/a_step.py" in parses
    assert CompileCache.for_app(tmp_path, "other", UnitRecord).unit("steps/a_step.py") is None


def test_corrupt_or_tampered_cache_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, {"steps/models.py": MODELS, "steps/a_step.py": STEP.format(name="A")})
    expected = run(tmp_path, cache=False)
    file = tmp_path / ".motia/cache/compile-2.pickle"
    file.parent.mkdir(parents=True)
    file.write_bytes(b"not a pickle")
    assert same(run(tmp_path), expected)

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("ran",))

    context = CompileCache.for_app(tmp_path, ".", UnitRecord).context
    blob = pickle.dumps(Exploit())
    file.write_bytes(pickle.dumps({"context": context, "modules": {}, "units": {"steps/a_step.py": blob}}))
    assert same(run(tmp_path), expected)
    file.write_bytes(pickle.dumps({"context": context, "modules": Exploit(), "units": {}}))
    assert same(run(tmp_path), expected)


def test_valid_schema_digests_are_kept_merged_and_bounded(tmp_path: Path) -> None:
    file = tmp_path / "compile.pickle"
    first = CompileCache(file, "ctx", UnitRecord)
    first.save({}, set(), {"a" * 64})
    second = CompileCache(file, "ctx", UnitRecord)
    assert second.valid_schemas == {"a" * 64}
    second.save({}, set(), {"b" * 64})
    assert CompileCache(file, "ctx", UnitRecord).valid_schemas == {"a" * 64, "b" * 64}
    assert CompileCache(file, "another context", UnitRecord).valid_schemas == frozenset()
    crowded = {f"{n:064x}" for n in range(cache_module._MAX_SCHEMAS)}
    CompileCache(file, "ctx", UnitRecord).save({}, set(), crowded)
    CompileCache(file, "ctx", UnitRecord).save({}, set(), {"c" * 64})  # one more than the bound
    assert CompileCache(file, "ctx", UnitRecord).valid_schemas == {"c" * 64}
    payload = pickle.loads(file.read_bytes())
    payload["schemas"] = {"not": "a list"}
    file.write_bytes(pickle.dumps(payload))
    assert CompileCache(file, "ctx", UnitRecord).valid_schemas == frozenset()
