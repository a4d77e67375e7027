"""The dispatch module generator: compiled validators that agree with JSON Schema, route patterns, literal
rendering, the flows diagram, and the generated module of every error-free golden case passing
`mypy --strict` and ruff."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from mypy import api as mypy_api
from pydantic import TypeAdapter, ValidationError

from motia_gen.emit.diagram import render_diagram
from motia_gen.emit.dispatch import dispatch_files
from motia_gen.emit.dispatch.validators import ModelBook, accepts_anything, faithful, render_models
from motia_gen.emit.dispatch.view import under_source_root
from motia_gen.frontend import Overrides, validate_app
from tests.golden_runner import cases
from tests.paths import REPO

ROOT = REPO

OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 4, "format": "email"},
        "qty": {"type": "integer", "minimum": 0, "exclusiveMaximum": 10},
        "price": {"type": "number", "exclusiveMinimum": 0.5},
        "ok": {"type": "boolean"},
        "kind": {"enum": ["a", "b"]},
        "const": {"const": "k"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "tags": {"type": "array", "items": {"type": "integer"}, "minItems": 1},
        "sub": {
            "type": "object",
            "properties": {"z": {"type": "string", "pattern": "^a+$"}},
            "required": ["z"],
            "additionalProperties": False,
        },
        "map": {"type": "object", "additionalProperties": {"type": "integer"}},
        "user-id": {"type": "string"},
        "format": {"type": "string"},
        "from": {"type": "integer"},
        "any": {},
        "point": {"$ref": "#/$defs/Point"},
        "short": {"type": ["string", "null"], "maxLength": 3},  # type lists: one branch per type
        "either": {"type": ["integer", "string"], "minimum": 2, "minLength": 2},
    },
    "required": ["name", "qty"],
    "$defs": {"Point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}},
}
TREE: dict[str, Any] = {
    "type": "object",
    "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}},
}
CLOSED: dict[str, Any] = {
    "type": "object",
    "properties": {"a": {"type": "string"}},
    "additionalProperties": False,
}
SCALARS = [
    None,
    True,
    False,
    0,
    1,
    1.5,
    10,
    -1,
    "",
    "a",
    "ab",
    "aaa",
    "abcde",
    [],
    [1],
    ["a"],
    {},
    {"z": "a"},
]


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModuleType, dict[str, str]]:
    book = ModelBook()
    names = {
        key: book.add(key, schema) for key, schema in (("Obj", OBJECT), ("Tree", TREE), ("Closed", CLOSED))
    }
    models = render_models(book, cache_dir=None)
    assert {n for n in names.values() if n} <= models.compiled
    path = tmp_path_factory.mktemp("models") / "compiled_models.py"
    path.write_text(models.code, encoding="utf-8")
    try:
        module = _load(path, "compiled_models_under_test")
    finally:
        sys.modules.pop("compiled_models_under_test", None)
    return module, {k: v for k, v in names.items() if v}


def _values(schema: dict[str, Any]) -> list[object]:
    if schema is OBJECT:
        base = {"name": "ab", "qty": 1}
        variants: list[object] = [base, {"name": "ab"}, {"qty": 1}, {**base, "extra": [1]}]
        variants += [{**base, key: value} for key in OBJECT["properties"] for value in SCALARS]
        variants += [{**base, "point": {"x": 1}}, {**base, "point": {"x": "1"}}, {**base, "map": {"a": "b"}}]
        return variants
    if schema is TREE:
        return [*SCALARS, {"children": [{"value": 1}, {"children": [{"value": "x"}]}]}, {"children": [{}]}]
    return [*SCALARS, {"a": "x"}, {"a": "x", "b": 1}, {"a": None}]


@pytest.mark.parametrize(("key", "schema"), [("Obj", OBJECT), ("Tree", TREE), ("Closed", CLOSED)])
def test_compiled_models_agree_with_json_schema(
    compiled: tuple[ModuleType, dict[str, str]], key: str, schema: dict[str, Any]
) -> None:
    module, names = compiled
    adapter: TypeAdapter[Any] = TypeAdapter(getattr(module, names[key]))
    reference = jsonschema.Draft202012Validator(schema)
    disagreements = []
    for value in _values(schema):
        try:
            adapter.validate_python(value)
            accepted = True
        except ValidationError:
            accepted = False
        if accepted != reference.is_valid(value):
            disagreements.append((value, accepted))
    assert disagreements == []


def test_strict_scalars_but_numbers_take_integers(compiled: tuple[ModuleType, dict[str, str]]) -> None:
    module, names = compiled
    adapter: TypeAdapter[Any] = TypeAdapter(getattr(module, names["Obj"]))
    adapter.validate_python({"name": "ab", "qty": 1, "price": 1})  # JSON Schema `number` accepts 1
    for wrong in ({"qty": "3"}, {"qty": True}, {"ok": 1}, {"name": 12}, {"price": True}, {"tags": None}):
        with pytest.raises(ValidationError):
            adapter.validate_python({"name": "ab", "qty": 1, **wrong})


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "pattern": "(?=a)"},  # look-ahead: pydantic-core's regex engine has none
        {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["b"]},
        {"properties": {"a": {"type": "integer"}}},  # no `type: object`: non-objects pass the schema
        {"oneOf": [{"type": "integer"}, {"type": "number"}]},
        {"enum": [1, 2]},  # True == 1 in Python
        {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
        {"type": ["string", "null"], "enum": ["a", None]},  # a None in an enum
        {"type": "object", "properties": {"_private": {"type": "string"}}},
        {"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "integer"}},
        {"not": {"type": "string"}},
        False,
    ],
)
def test_schemas_without_a_faithful_model_are_interpreted(schema: object) -> None:
    assert not faithful(schema)
    assert ModelBook().add("X", schema) is None


def test_annotation_only_schemas_need_no_validator() -> None:
    assert accepts_anything({})
    assert accepts_anything({"title": "x", "description": "anything"})
    assert not accepts_anything({"type": "object"})
    assert faithful(OBJECT)
    assert faithful(TREE)


def test_diagram_groups_steps_by_flow_and_draws_topics() -> None:
    result = validate_app(ROOT / "golden" / "forms", Overrides(use_cache=False))
    text = render_diagram(result.app)
    assert text == render_diagram(result.app)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    start, end = lines.index('  subgraph f1["orders"]'), lines.index("  end")
    assert [line.split("(")[0] for line in lines[start + 1 : end]] == ["    s_CreateOrder"]
    # steps in no flow are drawn outside every subgraph
    assert '  s_Nightly{{"Nightly<br/>cron 0 3 * * *"}}' in lines[:start]
    assert '  s_OnPing -->|"order.logged"| s_OnLogged' in lines[end:]
    # an edge crosses from a flow to a step outside it; a conditional emit is dashed and keeps its label
    assert '  s_CreateOrder -.->|"Audit (order.audited)"| s_Audit' in lines[end:]
    assert '  s_ManualApproval -->|"order.approved"| s_MultiTrigger' in lines[end:]
    # virtual edges (a noop's virtual emit) are grey; real ones keep mermaid's default
    edges = [line for line in lines[end:] if "-->" in line or "-.->" in line]
    virtual = edges.index('  s_ManualApproval -->|"order.approved"| s_MultiTrigger')
    styled = [line for line in lines if line.startswith("  linkStyle ")]
    assert len(styled) == 1
    assert str(virtual) in styled[0].split()[1].split(",")
    assert str(edges.index('  s_OnPing -->|"order.logged"| s_OnLogged')) not in styled[0].split()[1].split(
        ","
    )


def _dispatch_cases() -> list[Path]:
    return [c for c in cases() if (c / "expected" / "dispatch" / "dispatch.py").is_file()]


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for every case: pydantic and the runtime are analysed once."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.slow
@pytest.mark.parametrize("case", _dispatch_cases(), ids=lambda p: p.name)
def test_generated_dispatch_passes_mypy_strict_and_ruff(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mypy_cache: Path
) -> None:
    result = validate_app(case, Overrides(use_cache=False))
    out = tmp_path / "dist"
    out.mkdir()
    for name, text in dispatch_files(result.app, result.settings, "..", cache_dir=None).items():
        (out / name).write_text(text, encoding="utf-8")
    assert_typed_and_clean(out, [case / s for s in result.settings.source_roots], monkeypatch, mypy_cache)


def assert_typed_and_clean(
    out: Path, source_roots: list[Path], monkeypatch: pytest.MonkeyPatch, mypy_cache: Path
) -> None:
    """`out/dispatch.py` and `out/_models.py` pass `mypy --strict` (the app's modules found on
    `source_roots`, followed silently) and ruff."""
    config = out.parent / "mypy.ini"
    config.write_text("[mypy]\n", encoding="utf-8")
    paths = [str(p) for p in source_roots] + [str(ROOT / "runtime")]
    monkeypatch.setenv("MYPYPATH", os.pathsep.join(paths))
    stdout, _, status = mypy_api.run(
        [
            "--strict",
            "--follow-imports=silent",
            "--python-version=3.11",
            f"--config-file={config}",
            f"--cache-dir={mypy_cache}",
            "--no-error-summary",
            str(out / "dispatch.py"),
            str(out / "_models.py"),
        ]
    )
    assert status == 0, stdout
    ruff = [
        sys.executable,
        "-m",
        "ruff",
        "check",
        "--isolated",
        "--select",
        "E,F,W,I,UP,B",
        "--ignore",
        "E501",
    ]
    checked = subprocess.run([*ruff, "."], cwd=out, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout


def test_modules_are_named_from_the_most_specific_source_root() -> None:
    roots = (".", "src")
    assert under_source_root("src/tickets/a_step.py", roots) == "tickets/a_step.py"
    assert under_source_root("steps/a_step.py", roots) == "steps/a_step.py"
    assert under_source_root("src/tickets/a_step.py", (".",)) == "src/tickets/a_step.py"
