"""Validators for request bodies, queue inputs and stream items.

Two ways to build one, both giving a `Validator` (`value -> value`, raising `InvalidData`):

* `model_validator(Model)`: from a pydantic model or TypedDict the compiler generated from the JSON Schema
  (strict scalar types, so `"3"` is not an integer). pydantic-core runs it, tens of times faster than
  interpreting the schema. The generated dispatch module names its models with
  `compiled_validator(models_module, "Name", ...)`, which looks the model up on first use.
* `schema_validator(schema)`: interprets a JSON Schema with `jsonschema`, for the schemas a model cannot
  express exactly and for steps registered in code (`Motia.add_step`), where nothing was compiled.

Either way the handler receives the JSON value it was sent, not a converted model: what the compiler
typed the handler with is the JSON shape.

`format` is asserted for the formats pydantic's own types write into a schema (`uuid`, `date-time`,
`date`, `time`, `duration`, `email`, `uri`, `ipv4`, `ipv6`), each checked by pydantic's parser for that
type: a body schema taken from `Model.model_json_schema()` then accepts what `Model(**body)` accepts, and
a malformed id or date is a 400 rather than the handler's error. Other formats stay annotations.

Problems are reported as a list of `{"path", "message"}` objects. `path` is a JSON Pointer into the value
(`""` is the value itself, `/items/0/qty` a nested field), so clients can map them back to form fields.
"""

from __future__ import annotations

import datetime
import functools
import importlib.util
import ipaddress
import uuid
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any

import jsonschema
from pydantic import AnyUrl, BaseModel, ConfigDict, TypeAdapter, ValidationError

from motia.spec import Validator

MAX_ISSUES = 50
"""A body with thousands of wrong items gets the first 50 problems, not a megabyte of errors."""


class CompiledModel(BaseModel):
    """The base of the models `motia build` generates (`dist/_models.py`). Each is compiled by
    pydantic-core when first used rather than when its module is imported: an app with hundreds of
    schemas would otherwise compile them all before serving its first request."""

    model_config = ConfigDict(defer_build=True)


class InvalidData(ValueError):
    """A value that does not match its schema; `issues` lists `{"path", "message"}` per problem."""

    def __init__(self, issues: list[dict[str, str]], what: str = "value") -> None:
        self.issues = issues
        summary = "; ".join(f"{issue['path'] or '(root)'}: {issue['message']}" for issue in issues[:3])
        more = f" (and {len(issues) - 3} more)" if len(issues) > 3 else ""
        super().__init__(f"invalid {what}: {summary}{more}")


def pointer(location: Iterable[object]) -> str:
    """A JSON Pointer (RFC 6901) for a location given as keys and indexes."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in location)


def model_validator(model: Any, schema: Mapping[str, Any] | None = None, what: str = "value") -> Validator:
    """A validator running pydantic-core over `model` (a generated model class or TypedDict).

    Only when a value fails does `schema` (the JSON Schema the model came from) come into play: its
    problems are reported at JSON Pointer paths, where pydantic's locations carry union tags and model
    names. pydantic's own messages are the fallback. That explaining validator is built on the first
    failure, not up front: an app with a thousand schemas would otherwise spend seconds of its start-up
    meta-validating schemas the compiler already checked.
    """
    explainers: list[Validator] = []
    validators: list[Callable[[Any], Any]] = []

    formats: list[bool] = []

    def explain(value: Any) -> None:
        if schema is not None:
            if not explainers:
                explainers.append(schema_validator(schema, what))
            explainers[0](value)  # raises InvalidData with JSON Schema's view of the problems

    def check(value: Any) -> Any:
        if not validators:  # compiled on first use, like the model itself (see `CompiledModel`)
            validators.append(TypeAdapter(model).validate_python)
            formats.append(schema is not None and has_asserted_formats(schema))
        try:
            validators[0](value)
        except ValidationError as error:
            explain(value)
            raise InvalidData(_pydantic_issues(error), what) from None
        if formats[0]:  # the compiled model leaves formats out (see the module's docstring)
            explain(value)
        return value

    return check


def compiled_validator(
    models: ModuleType, name: str, schema: Mapping[str, Any] | None = None, what: str = "value"
) -> Validator:
    """`model_validator` for the model `name` of the build's models module, looked up on first use: the
    dispatch module names every validator without loading a single model (see `CompiledModel`)."""
    validators: list[Validator] = []

    def check(value: Any) -> Any:
        if not validators:
            validators.append(model_validator(getattr(models, name), schema, what))
        return validators[0](value)

    return check


def _pydantic_issues(error: ValidationError) -> list[dict[str, str]]:
    items = error.errors(include_url=False, include_context=False, include_input=False)
    return [{"path": pointer(item["loc"]), "message": item["msg"]} for item in items[:MAX_ISSUES]]


def schema_validator(schema: Mapping[str, Any], what: str = "value") -> Validator:
    """A validator interpreting the JSON Schema `schema` (draft 2020-12 unless it says otherwise), with
    the formats of pydantic's types asserted."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(dict(schema))
    validator = cls(dict(schema), format_checker=_format_checker())

    def check(value: Any) -> Any:
        errors = sorted(validator.iter_errors(value), key=_error_order)
        if errors:
            issues = [{"path": pointer(e.absolute_path), "message": e.message} for e in errors[:MAX_ISSUES]]
            raise InvalidData(issues, what)
        return value

    return check


_FORMATS: dict[str, Any] = {
    "uuid": uuid.UUID,
    "date-time": datetime.datetime,
    "date": datetime.date,
    "time": datetime.time,
    "duration": datetime.timedelta,
    "uri": AnyUrl,
    "ipv4": ipaddress.IPv4Address,
    "ipv6": ipaddress.IPv6Address,
}


@functools.cache
def _format_checker() -> jsonschema.FormatChecker:
    """The formats pydantic's types write, each checked by pydantic's own parser of that type (built
    once, on first use)."""
    checker = jsonschema.FormatChecker(formats=())
    for name, kind in _asserted_formats().items():
        checker.checks(name, raises=ValidationError)(_parser(TypeAdapter(kind).validate_python))
    return checker


@functools.cache
def _asserted_formats() -> dict[str, Any]:
    formats = dict(_FORMATS)
    if importlib.util.find_spec("email_validator") is not None:  # pydantic's EmailStr needs it
        from pydantic import EmailStr  # noqa: PLC0415

        formats["email"] = EmailStr
    return formats


def _parser(parse: Callable[[Any], Any]) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if isinstance(value, str):  # other types are the `type` keyword's business
            parse(value)
        return True

    return check


def has_asserted_formats(schema: Any) -> bool:
    """Whether `schema` uses a format this module asserts, anywhere."""
    stack = [schema]
    names = _asserted_formats()
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            if current.get("format") in names:
                return True
            stack.extend(v for k, v in current.items() if k not in ("examples", "default", "const", "enum"))
        elif isinstance(current, list):
            stack.extend(current)
    return False


def _error_order(error: jsonschema.ValidationError) -> tuple[list[str], str]:
    return [str(part) for part in error.absolute_path], error.message
