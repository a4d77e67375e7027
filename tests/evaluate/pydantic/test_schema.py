"""The static pydantic → JSON Schema translator, checked against pydantic itself.

Every model of the fixture corpus is imported for real (only this test imports it; the compiler never
does) and its `model_json_schema()` must equal the static translation of the same class exactly. What the
translator does not support must give one MG109 diagnostic at the expression responsible and no schema.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import typing
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

from motia_gen.evaluate.pydantic.schema import (
    SchemaResult,
    is_pydantic_model,
    model_json_schema,
    title_from_name,
)
from motia_gen.evaluate.symbols import Symbols
from motia_gen.parse import ir
from motia_gen.parse.project import Project
from tests.paths import REPO

ROOT = REPO / "tests" / "fixtures" / "pydantic_models"
PACKAGE = "pydantic_corpus"


def _static_models() -> list[tuple[str, str]]:
    """(module path, class name) of every pydantic model defined in the corpus, found statically."""
    project = Project(ROOT)
    symbols = Symbols(project)
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / PACKAGE).glob("*.py")):
        module = project.load(path.relative_to(ROOT).as_posix(), bodies=False)
        assert module.ok, module.diagnostics
        for binding in module.bindings.values():
            if isinstance(binding, ir.ClassDef) and is_pydantic_model(symbols, module, binding):
                found.append((module.path, binding.name))
    return found


CORPUS = _static_models()


def _import(relative: str) -> ModuleType:
    """Import a corpus module for real, with the fixture root on sys.path only while importing.

    `typing` caches unions by equality, and `Union[int, str] == Union[str, int]`: once any module made
    `Optional[Union[str, int]]`, a later `Optional[Union[int, str]]` is that object, members in its order.
    Its caches are emptied first, so the corpus is the same objects whatever ran before in this process."""
    name = relative.removesuffix(".py").replace("/", ".")
    if name not in sys.modules:
        for clear in getattr(typing, "_cleanups", ()):  # the cache_clear of every typing cache
            clear()
    sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT))


def _translate(root: Path, relative: str, name: str, mode: str = "validation") -> SchemaResult:
    project = Project(root)
    module = project.load(relative, bodies=False)
    cls = module.bindings[name]
    assert isinstance(cls, ir.ClassDef)
    return model_json_schema(Symbols(project), module, cls, mode)


# ---- the corpus ------------------------------------------------------------------------------------


def test_corpus_is_large_and_names_are_unique() -> None:
    names = [name for _, name in CORPUS]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


def test_static_model_detection_matches_the_runtime() -> None:
    for relative in sorted({path for path, _ in CORPUS}):
        module = _import(relative)
        runtime = {
            name
            for name, value in vars(module).items()
            if isinstance(value, type)
            and issubclass(value, BaseModel)
            and value.__module__ == module.__name__
            and value.__name__ == name
            and "[" not in name  # `RootModel[list[str]]`, made by subscripting, defined nowhere
        }
        assert runtime == {name for path, name in CORPUS if path == relative}, relative


@pytest.mark.parametrize(("relative", "name"), CORPUS, ids=[name for _, name in CORPUS])
@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_schema_equals_pydantic(relative: str, name: str, mode: str) -> None:
    model = getattr(_import(relative), name)
    result = _translate(ROOT, relative, name, mode)
    assert result.diagnostics == ()
    assert result.schema == model.model_json_schema(mode=mode)  # type: ignore[arg-type]


def test_the_modes_differ_where_pydantic_says() -> None:
    """The corpus holds models whose two schemas differ (so the test above checks both ways)."""
    differing = [
        name
        for relative, name in CORPUS
        if _translate(ROOT, relative, name).schema != _translate(ROOT, relative, name, "serialization").schema
    ]
    assert {"Aliases", "Priced", "Filed", "Contained", "FieldInfoOptions"} <= set(differing)


def test_translation_returns_fresh_dicts() -> None:
    first = _translate(ROOT, "pydantic_corpus/nested.py", "Customer")
    assert first.schema is not None
    first.schema["$defs"]["Address"]["title"] = "changed"
    second = _translate(ROOT, "pydantic_corpus/nested.py", "Customer")
    assert second.schema is not None
    assert second.schema["$defs"]["Address"]["title"] == "Address"


def test_titles_follow_pydantic() -> None:
    assert title_from_name("user_id") == "User Id"
    assert title_from_name("type_") == "Type"
    assert title_from_name("userName") == "Username"


# ---- unsupported input -----------------------------------------------------------------------------

HEADER = """\
from enum import Enum, auto
from typing import Annotated, Any, Final, Generic, Optional, TypeVar
from pydantic import BaseModel, ConfigDict, Field, RootModel
T = TypeVar("T")
"""


def _write(tmp_path: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _unsupported(tmp_path: Path, body: str, name: str = "M") -> SchemaResult:
    _write(tmp_path, {"models.py": HEADER + textwrap.dedent(body)})
    return _translate(tmp_path, "models.py", name)


# (body appended after the 4 header lines, line and column of the diagnostic, a fragment of its message)
UNSUPPORTED = {
    "unknown-type": (
        "from socket import socket\nclass M(BaseModel):\n    at: socket\n",
        (7, 9),
        "socket.socket",
    ),
    "unknown-field-option": (
        "class M(BaseModel):\n    x: int = Field(0, coerce_numbers_to_str=True)\n",
        (6, 23),
        "Field(coerce_numbers_to_str=...)",
    ),
    "schema-hook": (
        "class M(BaseModel):\n    x: int\n"
        "    @classmethod\n    def __get_pydantic_json_schema__(cls, core, handler):\n        return {}\n",
        (5, 7),
        "__get_pydantic_json_schema__",
    ),
    "config-option": (
        "class M(BaseModel):\n    model_config = ConfigDict(alias_generator=str.upper)\n    x: int\n",
        (6, 31),
        "alias_generator",
    ),
    "config-value": (
        "class M(BaseModel):\n    model_config = {'extra': 'sometimes'}\n    x: int\n",
        (6, 21),
        "extra='sometimes'",
    ),
    "class-keyword": (
        "class M(BaseModel, alias_generator=None):\n    x: int\n",
        (5, 20),
        "alias_generator",
    ),
    "bound-typevar": (
        "B = TypeVar('B', bound=int)\nclass M(BaseModel, Generic[B]):\n    x: B\n",
        (5, 5),
        "has a bound, constraints or a default",
    ),
    "parametrized-base": (
        "class G(BaseModel, Generic[T]):\n    x: T\nclass M(G[int]):\n    y: int\n",
        (7, 9),
        "subclassing the parametrized model G[...]",
    ),
    "generic-argument": (
        "class G(BaseModel, Generic[T]):\n    x: T\nclass M(BaseModel):\n    g: G[Annotated[int, 1]]\n",
        (8, 10),
        "not supported as a generic model's type argument",
    ),
    "generic-arity": (
        "class G(BaseModel, Generic[T]):\n    x: T\nclass M(BaseModel):\n    g: G[int, str]\n",
        (8, 8),
        "'G' takes 1 type argument(s), not 2",
    ),
    "root-model-with-fields": (
        "class M(RootModel[int]):\n    extra: str\n",
        (5, 7),
        "only its `root` field",
    ),
    "not-a-model": (
        "class M:\n    x: int\n",
        (5, 7),
        "not a pydantic model",
    ),
    "undefined-name": (
        "class M(BaseModel):\n    x: Missing\n",
        (6, 8),
        "'Missing' is not defined",
    ),
    "plain-class-field": (
        "class Plain:\n    pass\nclass M(BaseModel):\n    x: Optional[Plain] = None\n",
        (8, 17),
        "neither a pydantic model nor an Enum",
    ),
    "annotated-metadata": (
        "class M(BaseModel):\n    x: Annotated[int, Any]\n",
        (6, 23),
        "Annotated metadata Any",
    ),
    "constraint-on-bool": (
        "class M(BaseModel):\n    x: bool = Field(ge=1)\n",
        (6, 21),
        "'ge' is not supported on a bool",
    ),
    "constraint-on-union": (
        "class M(BaseModel):\n    x: int | str = Field(max_length=3)\n",
        (6, 26),
        "'max_length' is not supported on a union",
    ),
    "non-annotated-attribute": (
        "class M(BaseModel):\n    x = 3\n",
        (6, 5),
        "non-annotated attribute 'x'",
    ),
    "model-instance-default": (
        "class Inner(BaseModel):\n    x: int\nclass M(BaseModel):\n    a: Inner = Inner(x=1)\n",
        (8, 16),
        "Inner(...)",
    ),
    "ref-repeats-title": (
        "class Inner(BaseModel):\n    x: int\nclass M(BaseModel):\n    a: Inner = Field(title='Inner')\n",
        (8, 5),
        "repeats the title of 'Inner'",
    ),
    "enum-auto": (
        "class Color(Enum):\n    RED = auto()\nclass M(BaseModel):\n    c: Color\n",
        (6, 11),
        "auto(...)",
    ),
    "final-field": (
        "class M(BaseModel):\n    x: Final[int] = 3\n",
        (6, 8),
        "Final",
    ),
    "class-decorator": (
        "def deco(cls):\n    return cls\n@deco\nclass M(BaseModel):\n    x: int\n",
        (7, 2),
        "decorators",
    ),
    "local-field-function": (
        "def Field(default):\n    return default\nclass M(BaseModel):\n    x: int = Field(3)\n",
        (8, 14),
        "Field(...)",
    ),
    "json-schema-extra-function": (
        "def extra(schema):\n    schema['x'] = 1\n"
        "class M(BaseModel):\n    model_config = ConfigDict(json_schema_extra=extra)\n    x: int\n",
        (8, 49),
        "json_schema_extra is a function",
    ),
    "discriminator-without-tag": (
        "class A(BaseModel):\n    x: int\nclass B(BaseModel):\n    y: int\n"
        "class M(BaseModel):\n    v: A | B = Field(discriminator='kind')\n",
        (10, 22),
        "no Literal field 'kind'",
    ),
    "iterable-type": (
        "from typing import Iterable\nclass M(BaseModel):\n    x: Iterable[int]\n",
        (7, 8),
        "typing.Iterable[...]",
    ),
    "bad-string-annotation": (
        "class M(BaseModel):\n    x: 'list['\n",
        (6, 8),
        "not a valid expression",
    ),
    "empty-docstring": (
        'class M(BaseModel):\n    """"""\n    x: int\n',
        (5, 7),
        "empty docstring",
    ),
    "enum-set-default": (
        "class E(Enum):\n    A = 'a'\n    B = 'b'\nclass M(BaseModel):\n    x: set[E] = {E.A, E.B}\n",
        (9, 17),
        "no stable order",
    ),
    "int-constraint-fraction": (
        "class M(BaseModel):\n    x: int = Field(gt=0.5)\n",
        (6, 20),
        "rejected by pydantic",
    ),
    "recursive-alias": (
        "Loop = list['Loop']\nclass M(BaseModel):\n    x: Loop\n",
        (5, 13),
        "too deeply",
    ),
}


@pytest.mark.parametrize("case", list(UNSUPPORTED))
def test_unsupported_gives_mg109_at_the_expression(tmp_path: Path, case: str) -> None:
    body, (line, column), fragment = UNSUPPORTED[case]
    result = _unsupported(tmp_path, body)
    assert result.schema is None
    assert len(result.diagnostics) == 1, result.diagnostics
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "MG109"
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == ("models.py", line, column)
    assert fragment in diagnostic.message


def test_every_unsupported_field_is_reported(tmp_path: Path) -> None:
    body = "class M(BaseModel):\n    a: complex\n    ok: int\n    b: bytes = b''\n"
    result = _unsupported(tmp_path, body)
    assert result.schema is None
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("MG109", 6), ("MG109", 8)]


def test_problem_in_a_nested_model_points_into_its_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/inner.py": "from pydantic import BaseModel\nclass Inner(BaseModel):\n    when: 'datetime'\n",
            "pkg/outer.py": "from pydantic import BaseModel\nfrom pkg.inner import Inner\n"
            "class Outer(BaseModel):\n    inner: list[Inner]\n",
        },
    )
    result = _translate(tmp_path, "pkg/outer.py", "Outer")
    assert result.schema is None
    assert [(d.code, d.span.file, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("MG109", "pkg/inner.py", 3, 11)
    ]


def test_two_classes_with_one_name_are_refused(tmp_path: Path) -> None:
    model = "from pydantic import BaseModel\nclass Address(BaseModel):\n    line: str\n"
    _write(
        tmp_path,
        {
            "a.py": model,
            "b.py": model,
            "c.py": "from pydantic import BaseModel\nimport a, b\n"
            "class C(BaseModel):\n    home: a.Address\n    work: b.Address\n",
        },
    )
    result = _translate(tmp_path, "c.py", "C")
    assert result.schema is None
    assert [(d.span.line, d.span.column) for d in result.diagnostics] == [(5, 11)]
    assert "two classes named 'Address'" in result.diagnostics[0].message


def test_is_pydantic_model(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "base.py": "import pydantic\nclass Base(pydantic.BaseModel):\n    pass\n",
            "m.py": "from base import Base\nfrom pydantic import RootModel\nclass BaseModel:\n    pass\n"
            "class Child(Base):\n    pass\nclass Fake(BaseModel):\n    pass\nclass Root(RootModel[int]):\n"
            "    pass\nclass Loop(Loop):\n    pass\n",
        },
    )
    project = Project(tmp_path)
    symbols = Symbols(project)
    module = project.load("m.py", bodies=False)
    verdicts = {
        name: is_pydantic_model(symbols, module, binding)
        for name, binding in module.bindings.items()
        if isinstance(binding, ir.ClassDef)
    }
    assert verdicts == {"BaseModel": False, "Child": True, "Fake": False, "Root": True, "Loop": False}


def test_never_raises_on_odd_input(tmp_path: Path) -> None:
    bodies = [
        "class M(BaseModel):\n    x: " + "list[" * 60 + "int" + "]" * 60 + "\n",
        "class M(BaseModel):\n    x: int = [1, *rest]\n",
        "class M(BaseModel):\n    x: dict[str] = {}\n",
        "class M(BaseModel):\n    x: tuple[int, ..., str]\n",
        "class M(BaseModel):\n    x: lambda: int\n",
        "class M(BaseModel):\n    x: Field(1)\n",
        "class A(BaseModel):\n    pass\nclass M(A, A):\n    pass\n",
        "class M(BaseModel):\n    x: int = Field(1, 2)\n",
        "class M(BaseModel):\n    x: int = Field(**{})\n",
        "class M(BaseModel):\n    x: set[int] = {1, 'a'}\n",
        "class M(BaseModel):\n    x: Annotated[int]\n",
        "class E(str, Enum):\n    A = 1\nclass M(BaseModel):\n    x: E\n",
        "class E(Enum):\n    pass\nclass M(BaseModel):\n    x: E\n",
    ]
    for index, body in enumerate(bodies):
        directory = tmp_path / str(index)
        result = _unsupported(directory, body)
        assert result.schema is None, body
        assert result.diagnostics, body
        assert all(d.code == "MG109" for d in result.diagnostics), body


def test_serializers_are_refused_in_serialization_mode_only(tmp_path: Path) -> None:
    body = (
        "from pydantic import computed_field\n"
        "class M(BaseModel):\n"
        "    x: int\n"
        "    @computed_field\n"
        "    @property\n"
        "    def double(self) -> int:\n"
        "        return self.x * 2\n"
    )
    assert _unsupported(tmp_path, body).schema == {
        "properties": {"x": {"title": "X", "type": "integer"}},
        "required": ["x"],
        "title": "M",
        "type": "object",
    }
    result = _translate(tmp_path, "models.py", "M", "serialization")
    [diagnostic] = result.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (8, 6)
    assert "@computed_field changes the serialization schema" in diagnostic.message
