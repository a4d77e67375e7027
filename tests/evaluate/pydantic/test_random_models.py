"""Random models from the supported field types, constraints and defaults, written as source: the static
translation equals what pydantic's own `model_json_schema()` returns for the same class."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.evaluate.pydantic.test_schema import _translate

HEADER = """\
import datetime as dt
import ipaddress
import pathlib
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Generic, Literal, Optional, TypeVar

from pydantic import UUID4, AnyUrl, BaseModel, ByteSize, EmailStr, Field, HttpUrl, Json
from pydantic import PositiveInt, SecretStr

T = TypeVar("T")


class Box(BaseModel, Generic[T]):
    value: T
    values: list[T] = []
"""


@dataclass(frozen=True)
class Kind:
    annotation: str
    constraints: tuple[tuple[str, str], ...] = ()  # (keyword, literal value) that may apply
    defaults: tuple[str, ...] = ()


LENGTHS = (("min_length", "1"), ("max_length", "20"))
BOUNDS = (("ge", "0"), ("gt", "-5"), ("le", "100"), ("lt", "1000"), ("multiple_of", "5"))
KINDS = (
    Kind("int", BOUNDS, ("0", "7")),
    Kind("float", (("ge", "0.5"), ("lt", "9.5")), ("1.5",)),
    Kind("str", (*LENGTHS, ("pattern", "'^[a-z]+$'")), ("'x'",)),
    Kind("bool", (), ("True",)),
    Kind("uuid.UUID", (), ("uuid.UUID('12345678-1234-5678-1234-567812345678')",)),
    Kind("UUID4"),
    Kind("dt.datetime", (), ("dt.datetime(2024, 5, 6, 7, 8, 9)",)),
    Kind("dt.date", (), ("dt.date(2024, 5, 6)",)),
    Kind("dt.time", (), ("dt.time(7, 8)",)),
    Kind("dt.timedelta", (), ("dt.timedelta(hours=2)",)),
    Kind("Decimal", (("ge", "0"), ("le", "100"), ("max_digits", "6")), ("Decimal('2.50')",)),
    Kind("EmailStr", (("max_length", "64"),)),
    Kind("HttpUrl"),
    Kind("AnyUrl"),
    Kind("SecretStr"),
    Kind("PositiveInt", (("le", "10"),)),
    Kind("ipaddress.IPv4Address"),
    Kind("pathlib.Path"),
    Kind("bytes", LENGTHS),
    Kind("list[int]", LENGTHS, ("[]", "[1, 2]")),
    Kind("Sequence[str]", LENGTHS),
    Kind("set[int]", LENGTHS),
    Kind("tuple[int, ...]", LENGTHS),
    Kind("dict[str, int]", (), ("{}",)),
    Kind("Mapping[str, float]"),
    Kind("Literal['a', 'b']", (), ("'a'",)),
    Kind("Optional[uuid.UUID]", (), ("None",)),
    Kind("dt.datetime | None", (), ("None",)),
    Kind("list[dt.date]"),
    Kind("Json[list[int]]"),
    Kind("ByteSize"),
    Kind("Box[int]"),
    Kind("Box"),
    Kind("Box[uuid.UUID]"),
    Kind("Box[dict[str, list[Decimal]]]"),
    Kind("Box[Optional[dt.date]]"),
    Kind("Box[str | None]"),
    Kind("Box[Box[bool]]"),
)


@st.composite
def fields(draw: st.DrawFn, index: int) -> str:
    kind = draw(st.sampled_from(KINDS))
    chosen = (
        draw(st.lists(st.sampled_from(kind.constraints), unique=True, max_size=2)) if kind.constraints else []
    )
    default = draw(st.sampled_from((None, *kind.defaults))) if kind.defaults else None
    factory = kind.annotation.startswith(("list", "dict")) and default is None and draw(st.booleans())
    arguments = [default] if default is not None and chosen else []
    arguments += [f"{name}={value}" for name, value in chosen]
    if factory:
        arguments.append("default_factory=" + ("list" if kind.annotation.startswith("list") else "dict"))
    name = f"f{index}"
    if arguments:
        return f"    {name}: {kind.annotation} = Field({', '.join(arguments)})"
    if default is not None:
        return f"    {name}: {kind.annotation} = {default}"
    return f"    {name}: {kind.annotation}"


models = st.integers(1, 6).flatmap(lambda count: st.tuples(*(fields(i) for i in range(count))))
_counter = itertools.count()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models, st.sampled_from(("validation", "serialization")))
def test_random_models_translate_as_pydantic_renders_them(lines: tuple[str, ...], mode: str) -> None:
    source = HEADER + "\n\nclass Random(BaseModel):\n" + "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "random_model.py").write_text(source, encoding="utf-8")
        name = f"random_model_{next(_counter)}"
        spec = importlib.util.spec_from_file_location(name, root / "random_model.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
            expected = module.Random.model_json_schema(mode=mode)
        finally:
            del sys.modules[name]
        result = _translate(root, "random_model.py", "Random", mode)
    assert result.diagnostics == (), source
    assert result.schema == expected, source
