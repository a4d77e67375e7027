"""The static evaluator: every supported rule, and a diagnostic at the exact expression otherwise."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from motia_gen.evaluate.evaluator import Evaluator
from motia_gen.evaluate.symbols import Symbols
from motia_gen.evaluate.values import Value, VCall, VFunction, VSchema, VUnknown, to_json
from motia_gen.parse.project import Project


def project(tmp_path: Path, files: dict[str, str]) -> Project:
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return Project(tmp_path)


def evaluate(tmp_path: Path, files: dict[str, str], name: str = "config") -> tuple[Value, Evaluator]:
    proj = project(tmp_path, files)
    module = proj.load("steps/a_step.py", bodies=False)
    evaluator = Evaluator(Symbols(proj))
    return evaluator.binding(module, name, module.bindings[name].span), evaluator


def value_of(tmp_path: Path, source: str, **extra: str) -> Any:
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source, **extra})
    assert evaluator.diagnostics == []
    return to_json(value)


def test_literals_and_containers(tmp_path: Path) -> None:
    source = 'config = {"a": [1, -2.5, True, None, ("t", "u")], 3: {"s"}, "c": "x" "y"}\n'
    assert value_of(tmp_path, source) == {"a": [1, -2.5, True, None, ["t", "u"]], 3: ["s"], "c": "xy"}


def test_fstrings_of_constants(tmp_path: Path) -> None:
    source = 'V = 3\nN = "orders"\nconfig = f"/{N}/{V:03d}/{N!r}/{{x}}\\t"\n'
    assert value_of(tmp_path, source) == "/orders/003/'orders'/{x}\t"


def test_module_level_names_unpacking_and_operators(tmp_path: Path) -> None:
    source = """
        BASE = {"flows": ["f"], "name": "base"}
        MORE = ["b", "c"]
        config = {**BASE, "name": "A", "emits": ["a", *MORE] + ["d"], "x": BASE | {"y": 1}, "z": MORE[-1]}
        config["extra"] = "patched"
    """
    assert value_of(tmp_path, source) == {
        "flows": ["f"],
        "name": "A",
        "emits": ["a", "b", "c", "d"],
        "x": {"flows": ["f"], "name": "base", "y": 1},
        "z": "c",
        "extra": "patched",
    }


def test_dict_builtin(tmp_path: Path) -> None:
    assert value_of(tmp_path, 'config = dict(a=1, **{"b": 2})\n') == {"a": 1, "b": 2}


def test_absolute_relative_and_cyclic_imports(tmp_path: Path) -> None:
    files = {
        "steps/__init__.py": "",
        "steps/shared/__init__.py": "from .names import TOPIC as TOPIC\n",
        "steps/shared/names.py": "from steps.shared import other\nTOPIC = 'order.created'\n",
        "steps/shared/other.py": "from steps.shared.names import TOPIC\nALIAS = TOPIC\n",
    }
    source = """
        from .shared import TOPIC
        from .shared.other import ALIAS
        import steps.shared.names as names
        config = [TOPIC, ALIAS, names.TOPIC]
    """
    assert value_of(tmp_path, source, **files) == ["order.created"] * 3


def test_circular_values_are_reported(tmp_path: Path) -> None:
    files = {"steps/b.py": "from steps.a_step import Y\nX = Y\n"}
    value, evaluator = evaluate(
        tmp_path, {"steps/a_step.py": "from steps.b import X\nY = [X]\nconfig = Y\n", **files}
    )
    assert isinstance(value.items[0], VUnknown)  # type: ignore[union-attr]
    assert [d.code for d in evaluator.diagnostics] == ["MG108"]


def test_helpers_resolve_by_qualified_name(tmp_path: Path) -> None:
    source = """
        import motia
        from motia import http as h
        from motia.triggers import queue
        config = [h("GET", "/x"), motia.cron("* * * * *"), queue("t", input={"type": "object"})]
    """
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source})
    assert evaluator.diagnostics == []
    helpers = [item.helper for item in value.items if isinstance(item, VCall)]  # type: ignore[union-attr]
    assert helpers == ["http", "cron", "queue"]


def test_local_function_named_like_a_helper_is_not_one(tmp_path: Path) -> None:
    source = "def http(m, p):\n    return {}\nconfig = http('GET', '/x')\n"
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source})
    assert isinstance(value, VUnknown)
    assert [(d.code, d.span.line, d.span.column) for d in evaluator.diagnostics] == [("MG105", 3, 10)]
    assert "would run code" in evaluator.diagnostics[0].message


def test_function_references_stay_symbolic(tmp_path: Path) -> None:
    source = "async def guard(req, ctx, nxt):\n    return await nxt()\nconfig = guard\n"
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source})
    assert evaluator.diagnostics == []
    assert isinstance(value, VFunction)
    function = value.function
    assert (function.name, function.is_async, [p.name for p in function.params]) == (
        "guard",
        True,
        ["req", "ctx", "nxt"],
    )


def test_pydantic_model_schema(tmp_path: Path) -> None:
    files = {"steps/models.py": "from pydantic import BaseModel\nclass Pet(BaseModel):\n    name: str\n"}
    source = "from steps.models import Pet\nconfig = [Pet.model_json_schema(), Pet]\n"
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source, **files})
    assert evaluator.diagnostics == []
    expected = {
        "properties": {"name": {"title": "Name", "type": "string"}},
        "required": ["name"],
        "title": "Pet",
        "type": "object",
    }
    assert [item.schema for item in value.items if isinstance(item, VSchema)] == [expected, expected]  # type: ignore[union-attr]


def test_a_model_schema_in_either_mode(tmp_path: Path) -> None:
    models = (
        "from decimal import Decimal\n"
        "from pydantic import BaseModel\n"
        "class Price(BaseModel):\n"
        "    amount: Decimal\n"
    )
    source = (
        "from steps.models import Price\n"
        "config = [Price.model_json_schema(mode='validation'),\n"
        "          Price.model_json_schema(mode='serialization')]\n"
    )
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source, "steps/models.py": models})
    assert evaluator.diagnostics == []
    amounts = [item.schema["properties"]["amount"] for item in value.items]  # type: ignore[union-attr]
    assert amounts == [
        {"anyOf": [{"type": "number"}, {"type": "string"}], "title": "Amount"},
        {"type": "string", "title": "Amount"},
    ]


GENERIC_MODELS = """\
from typing import Generic, TypeVar
from pydantic import BaseModel
T = TypeVar("T")
class Item(BaseModel):
    name: str
class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
"""


def test_a_parametrized_generic_model_is_a_schema(tmp_path: Path) -> None:
    source = "from steps.models import Item, Page\nconfig = [Page[Item].model_json_schema(), Page[Item]]\n"
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source, "steps/models.py": GENERIC_MODELS})
    assert evaluator.diagnostics == []
    spec = importlib.util.spec_from_file_location("generic_models", tmp_path / "steps" / "models.py")
    assert spec is not None
    assert spec.loader is not None
    models = importlib.util.module_from_spec(spec)
    sys.modules["generic_models"] = models  # pydantic resolves the TypeVar through the module
    try:
        spec.loader.exec_module(models)  # the same classes, for pydantic's own answer
        expected = models.Page[models.Item].model_json_schema()
    finally:
        del sys.modules["generic_models"]
    assert expected["title"] == "Page[Item]"
    assert [(item.schema, item.model) for item in value.items] == [(expected, "Page_Item_")] * 2  # type: ignore[union-attr]


def test_other_model_json_schema_arguments_are_refused(tmp_path: Path) -> None:
    files = {"steps/models.py": "from pydantic import BaseModel\nclass Pet(BaseModel):\n    name: str\n"}
    source = "from steps.models import Pet\nconfig = Pet.model_json_schema(ref_template='x')\n"
    _value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source, **files})
    assert [(d.code, d.span.line) for d in evaluator.diagnostics] == [("MG105", 2)]
    assert "mode='serialization'" in evaluator.diagnostics[0].message


@pytest.mark.parametrize(
    ("expression", "code", "column", "words"),
    [
        ("[x for x in 'ab']", "MG105", 10, "comprehension"),
        ("1 if True else 2", "MG105", 10, "conditional"),
        ("UNDEFINED", "MG106", 10, "not defined"),
        ("open('x')", "MG105", 10, "would run code"),
        ("os.environ['X']", "MG107", 10, "os.environ"),
        ("{'a': 1}['b']", "MG105", 19, "not in the dict"),
        ("1 + 'a'", "MG105", 10, "cannot evaluate"),
        ("f'{[1]}'", "MG105", 13, "cannot format"),
        ("b'raw'", "MG105", 10, "bytes"),
        ("{**[1]}", "MG105", 13, "cannot unpack"),
    ],
)
def test_unsupported_expressions_point_at_the_expression(
    tmp_path: Path, expression: str, code: str, column: int, words: str
) -> None:
    _, evaluator = evaluate(tmp_path, {"steps/a_step.py": f"import os\nconfig = {expression}\n"})
    [found] = evaluator.diagnostics
    assert (found.code, found.span.line, found.span.column) == (code, 2, column)
    assert words in found.message


def test_a_class_that_is_not_a_model_is_reported_at_every_use(tmp_path: Path) -> None:
    source = """
    class Plain:
        pass

    config = {"a": Plain, "b": Plain}
    """
    _value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source})
    assert [(d.code, d.span.column) for d in evaluator.diagnostics] == [("MG105", 16), ("MG105", 28)]


def test_an_undefined_name_suggests_the_closest_binding(tmp_path: Path) -> None:
    _value, evaluator = evaluate(tmp_path, {"steps/a_step.py": "ORDER_TOPIC = 'x'\nconfig = ORDER_TOPC\n"})
    (found,) = evaluator.diagnostics
    assert (found.code, found.help) == ("MG106", "did you mean 'ORDER_TOPIC'?")


def test_a_lambda_is_a_function_found_again_by_where_its_body_starts(tmp_path: Path) -> None:
    source = 'from motia import state\nconfig = {"t": [state(condition=lambda i, c:  i.x == "u")]}\n'
    value, evaluator = evaluate(tmp_path, {"steps/a_step.py": source})
    assert not evaluator.diagnostics
    condition = dict(value.entries[0].value.items[0].keywords)["condition"]  # type: ignore[union-attr]
    assert isinstance(condition, VFunction)
    assert [p.name for p in condition.function.params] == ["i", "c"]
    assert condition.lambda_body is not None
    body_column = source.splitlines()[1].index("i.x") + 1
    assert (condition.lambda_body.line, condition.lambda_body.column) == (2, body_column)
