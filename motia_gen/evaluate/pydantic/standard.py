"""The standard library and pydantic types a model field may have besides the builtins, with the JSON
Schema pydantic 2 gives each in validation mode (what `Model.model_json_schema()` returns), and their
constrained forms (`constr(...)`, `conint(...)`, …).

Names are matched by where they are defined, whichever public module they are imported from:
`pydantic.EmailStr`, `pydantic.networks.EmailStr` and `pydantic.types.EmailStr` are one type.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Mapping
from typing import Any

Json = dict[str, Any]

_PYDANTIC_MODULES = (
    "pydantic.",
    "pydantic.types.",
    "pydantic.networks.",
    "pydantic.fields.",
    "pydantic.functional_validators.",
    "pydantic.functional_serializers.",
)


def pydantic_name(qualname: str | None) -> str | None:
    """`EmailStr` for any public spelling of a pydantic name; None for other names."""
    if qualname is None:
        return None
    for prefix in _PYDANTIC_MODULES:
        if qualname.startswith(prefix) and "." not in qualname[len(prefix) :]:
            return qualname[len(prefix) :]
    return None


def _text(fmt: str | None = None, **extra: Any) -> tuple[str, Json]:
    out: Json = {"type": "string"}
    if fmt is not None:
        out["format"] = fmt
    return "str", {**out, **extra}


_URL = {"minLength": 1}
_HTTP_URL = {"maxLength": 2083, "minLength": 1}
_DECIMAL: tuple[str, Json] = ("decimal", {"anyOf": [{"type": "number"}, {"type": "string"}]})

# Fully qualified names outside pydantic → (kind, JSON Schema). The kind says which constraints apply.
_STDLIB: dict[str, tuple[str, Json]] = {
    "uuid.UUID": _text("uuid"),
    "datetime.datetime": _text("date-time"),
    "datetime.date": _text("date"),
    "datetime.time": _text("time"),
    "datetime.timedelta": _text("duration"),
    "decimal.Decimal": _DECIMAL,
    "builtins.bytes": ("bytes", {"type": "string", "format": "binary"}),
    "ipaddress.IPv4Address": _text("ipv4"),
    "ipaddress.IPv6Address": _text("ipv6"),
    "ipaddress.IPv4Network": _text("ipv4network"),
    "ipaddress.IPv6Network": _text("ipv6network"),
    "ipaddress.IPv4Interface": _text("ipv4interface"),
    "ipaddress.IPv6Interface": _text("ipv6interface"),
    "pathlib.Path": _text("path"),
    "pathlib.PurePath": _text("path"),
    "pathlib.PosixPath": _text("path"),
    "pathlib.PurePosixPath": _text("path"),
    "pathlib.WindowsPath": _text("path"),
    "pathlib.PureWindowsPath": _text("path"),
    "re.Pattern": _text("regex"),
    "typing.Pattern": _text("regex"),
}

# pydantic's names (without their module) → (kind, JSON Schema).
_PYDANTIC: dict[str, tuple[str, Json]] = {
    **{f"UUID{n}": _text(f"uuid{n}") for n in (1, 3, 4, 5, 6, 7, 8)},
    **{
        name: _text("date-time")
        for name in ("AwareDatetime", "NaiveDatetime", "PastDatetime", "FutureDatetime")
    },
    **{name: _text("date") for name in ("PastDate", "FutureDate")},
    "EmailStr": _text("email"),
    "NameEmail": _text("name-email"),
    "AnyUrl": _text("uri", **_URL),
    "AnyHttpUrl": _text("uri", **_URL),
    "FileUrl": _text("uri", **_URL),
    "FtpUrl": _text("uri", **_URL),
    "AnyWebsocketUrl": _text("uri", **_URL),
    "HttpUrl": _text("uri", **_HTTP_URL),
    "WebsocketUrl": _text("uri", **_HTTP_URL),
    **{
        name: _text("multi-host-uri", **_URL)
        for name in ("PostgresDsn", "CockroachDsn", "MongoDsn", "KafkaDsn", "NatsDsn")
    },
    **{
        name: _text("uri", **_URL)
        for name in ("AmqpDsn", "RedisDsn", "MySQLDsn", "MariaDBDsn", "ClickHouseDsn", "SnowflakeDsn")
    },
    "SecretStr": _text("password", writeOnly=True),
    "SecretBytes": _text("password", writeOnly=True),
    "IPvAnyAddress": _text("ipvanyaddress"),
    "IPvAnyNetwork": _text("ipvanynetwork"),
    "IPvAnyInterface": _text("ipvanyinterface"),
    "FilePath": _text("file-path"),
    "DirectoryPath": _text("directory-path"),
    "NewPath": _text("path"),
    "SocketPath": _text("path"),
    "Base64Str": _text("base64"),
    "Base64Bytes": _text("base64"),
    "Base64UrlStr": _text("base64url"),
    "Base64UrlBytes": _text("base64url"),
    "StrictStr": ("str", {"type": "string"}),
    "StrictInt": ("int", {"type": "integer"}),
    "StrictFloat": ("float", {"type": "number"}),
    "FiniteFloat": ("float", {"type": "number"}),
    "StrictBool": ("bool", {"type": "boolean"}),
    "StrictBytes": ("bytes", {"type": "string", "format": "binary"}),
    "PositiveInt": ("int", {"type": "integer", "exclusiveMinimum": 0}),
    "NegativeInt": ("int", {"type": "integer", "exclusiveMaximum": 0}),
    "NonNegativeInt": ("int", {"type": "integer", "minimum": 0}),
    "NonPositiveInt": ("int", {"type": "integer", "maximum": 0}),
    "PositiveFloat": ("float", {"type": "number", "exclusiveMinimum": 0}),
    "NegativeFloat": ("float", {"type": "number", "exclusiveMaximum": 0}),
    "NonNegativeFloat": ("float", {"type": "number", "minimum": 0}),
    "NonPositiveFloat": ("float", {"type": "number", "maximum": 0}),
    "ByteSize": (
        "any",
        {
            "anyOf": [
                {"pattern": "^\\s*(\\d*\\.?\\d+)\\s*(\\w+)?", "type": "string"},
                {"minimum": 0, "type": "integer"},
            ]
        },
    ),
}


# Where `model_json_schema(mode="serialization")` differs: what the value is written as. A Decimal is
# written as a string, and its numeric bounds no longer apply ("decimal-string" ignores them).
_SERIALIZED: dict[str, tuple[str, Json]] = {
    "decimal.Decimal": ("decimal-string", {"type": "string"}),
    "ByteSize": ("any", {"type": "integer", "minimum": 0}),
}


def standard_type(qualname: str, mode: str = "validation") -> tuple[str, Json] | None:
    """(kind, JSON Schema) of a standard or pydantic type in `mode`, or None."""
    if mode == "serialization":
        serialized = _SERIALIZED.get(qualname) or _SERIALIZED.get(pydantic_name(qualname) or "")
        if serialized is not None:
            return serialized[0], dict(serialized[1])
    found = _STDLIB.get(qualname)
    if found is None:
        name = pydantic_name(qualname)
        found = _PYDANTIC.get(name) if name is not None else None
    if found is None:
        return None
    kind, schema = found
    return kind, _copy(schema)


def _copy(schema: Json) -> Json:
    return {key: [dict(v) for v in value] if key == "anyOf" else value for key, value in schema.items()}


# `constr(...)` and friends: the base type each constrains, by pydantic name.
CONSTRAINED: dict[str, str] = {
    "constr": "builtins.str",
    "conint": "builtins.int",
    "confloat": "builtins.float",
    "condecimal": "decimal.Decimal",
    "conbytes": "builtins.bytes",
    "condate": "datetime.date",
}
CONSTRAINED_SEQUENCES = frozenset({"conlist", "conset", "confrozenset"})

# Keywords of Field and the con* functions that leave the validation JSON Schema as it is, and those of
# StringConstraints and constr besides.
FIELD_NEUTRAL = frozenset({"strict", "max_digits", "decimal_places", "allow_inf_nan"})
SCHEMA_NEUTRAL = FIELD_NEUTRAL | {"strip_whitespace", "to_lower", "to_upper"}


def decimal_bound(value: Any) -> float | int:
    """pydantic writes a Decimal field's numeric bounds as floats."""
    return float(value)


# Constructors a default may call with literal arguments, and what pydantic writes for the value.
_DEFAULT_CALLS: dict[str, Callable[..., Any]] = {
    "decimal.Decimal": decimal.Decimal,
    "uuid.UUID": uuid.UUID,
    "datetime.datetime": datetime.datetime,
    "datetime.date": datetime.date,
    "datetime.time": datetime.time,
    "datetime.timedelta": datetime.timedelta,
}


def default_call(qualname: str | None) -> Callable[..., Any] | None:
    return _DEFAULT_CALLS.get(qualname or "")


def default_json(value: Any) -> Any:
    """A default value as pydantic puts it in the schema (`to_jsonable_python`)."""
    from pydantic_core import to_jsonable_python  # noqa: PLC0415 (only models with such defaults need it)

    return to_jsonable_python(value)


def typing_alias(qualname: str) -> str | None:
    """The container kind of an abstract or collections type: `list`, `set` or `dict`."""
    return _CONTAINERS.get(qualname)


_CONTAINERS: Mapping[str, str] = {
    **{
        f"{module}.{name}": kind
        for module in ("typing", "typing_extensions", "collections.abc")
        for name, kind in (
            ("Sequence", "list"),
            ("MutableSequence", "list"),
            ("AbstractSet", "set"),
            ("Set", "set"),
            ("MutableSet", "set"),
            ("Mapping", "dict"),
            ("MutableMapping", "dict"),
            ("Deque", "list"),
        )
    },
    "collections.deque": "list",
    "typing.Deque": "list",
}
