"""The one printer of generated Python: literals, wrapping, and imports computed from typed needs."""

from __future__ import annotations

import ast

from motia_gen.emit.pysource import (
    Code,
    Import,
    from_import,
    import_block,
    imported,
    json_value,
    literal,
    needs_of,
    raw_string,
    tuple_of,
)


def test_literals_use_double_quotes_where_they_can() -> None:
    assert literal("it's") == '"it\'s"'
    assert literal('say "hi"') == "'say \"hi\"'"
    assert ast.literal_eval(literal("a\\b\n'\"")) == "a\\b\n'\""
    assert raw_string(r"^/a/(?P<id>[^/]+)$") == r'r"^/a/(?P<id>[^/]+)$"'
    assert raw_string('a"b') == literal('a"b')
    assert (tuple_of(["1"]), tuple_of(["1", "2"]), tuple_of([])) == ("(1,)", "(1, 2)", "()")


def test_json_values_round_trip_and_wrap_at_the_width() -> None:
    value = {"a": [1, 2.5, None, True], "b": {"c": "d'\"e", "long": ["x" * 40, "y" * 40, "z" * 40]}}
    text = json_value(value, 4, 100)
    assert ast.literal_eval(text) == value
    assert "\n" in text  # too long for one line
    assert all(len(line) <= 100 for line in text.splitlines())
    assert json_value({"a": 1}, 0, 100) == '{"a": 1}'


def test_needs_are_unions_of_the_pieces() -> None:
    spec = imported("motia.spec", "AppSpec")
    pattern = Code("re.compile('x')", frozenset({Import("re")}))
    assert needs_of([spec, pattern, None, Code("1")]) == {Import("motia.spec", "AppSpec"), Import("re")}
    assert str(spec) == "AppSpec"


def test_import_block_groups_sorts_and_merges_as_isort_does() -> None:
    needs = [
        Import("motia.spec", "StepSpec"),
        Import("motia.spec", "AppSpec"),
        Import("pathlib", "Path"),
        Import("re"),
        Import("motia.loader", "app_root"),
        Import("motia_types", "topics"),
        Import("typing", "TYPE_CHECKING"),
        Import("typing", "Any"),
        Import("typing", "cast"),
    ]
    assert import_block(needs, own="motia_types") == [
        "import re",
        "from pathlib import Path",
        "from typing import TYPE_CHECKING, Any, cast",
        "",
        "from motia.loader import app_root",
        "from motia.spec import AppSpec, StepSpec",
        "",
        "from motia_types import topics",
    ]
    assert import_block([]) == []


def test_long_from_imports_wrap_one_name_per_line() -> None:
    names = [f"VeryLongSpecificationName{i}" for i in range(4)]
    text = from_import("motia.spec", names)
    assert text.startswith("from motia.spec import (\n    VeryLongSpecificationName0,\n")
    assert text.endswith("    VeryLongSpecificationName3,\n)")
    assert ast.parse(text)
