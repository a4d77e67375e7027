"""Shared argument checks and conversions for the public constructors.

Step files are plain, usually untyped Python, so every constructor checks its arguments when the file is
imported: a typo should fail at start-up with a message naming the config, not deep inside a request.
Dict configs may spell keys in snake_case or in the camelCase Motia serialises to; both map to the
snake_case keyword arguments of the matching constructor.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from pydantic import BaseModel

JsonSchema = Mapping[str, Any]
"""A JSON Schema as a read-only mapping (schemas are data; nothing here edits them)."""

# pydantic is imported only where a model class is given: `import motia` stays cheap for code that only
# declares (and for the compiler, which reads the runtime's key tables).
SchemaInput = Union[JsonSchema, "type[BaseModel]"]  # a forward reference cannot use `|`
"""What a config may give as a schema: a JSON Schema or a pydantic model class."""


class ModelSchema(Mapping[str, Any]):
    """The JSON Schema of a pydantic model, computed when first read. Step files are imported at
    start-up and most of their schemas are never read at run time (a built app's validators are
    compiled), while generating one costs milliseconds: a thousand steps would wait seconds for them."""

    __slots__ = ("_model", "_schema")

    def __init__(self, model: type[BaseModel]) -> None:
        self._model = model
        self._schema: dict[str, Any] | None = None

    def _value(self) -> dict[str, Any]:
        if self._schema is None:
            self._schema = self._model.model_json_schema()
        return self._schema

    def __getitem__(self, key: str) -> Any:
        return self._value()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())

    def __repr__(self) -> str:
        return f"ModelSchema({self._model.__qualname__})"


def json_schema(value: object, what: str) -> JsonSchema:
    """A JSON Schema from a dict or a pydantic model class, so runtime and compiler see the same schema."""
    if isinstance(value, type):
        from pydantic import BaseModel  # noqa: PLC0415 (loaded already: the model class came from it)

        if issubclass(value, BaseModel):
            return ModelSchema(value)
    if isinstance(value, Mapping):
        return value
    raise TypeError(
        f"{what} must be a JSON Schema dict or a pydantic model class, not {type(value).__name__}"
    )


def optional_json_schema(value: object, what: str) -> JsonSchema | None:
    return None if value is None else json_schema(value, what)


def text(value: object, what: str) -> str:
    """A non-empty string: empty names, topics and paths are always mistakes."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    return value


def optional_text(value: object, what: str) -> str | None:
    return None if value is None else text(value, what)


def boolean(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be True or False, not {type(value).__name__}")
    return value


def mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a dict, not {type(value).__name__}")
    return value


def optional_mapping(value: object, what: str) -> Mapping[str, Any] | None:
    return None if value is None else mapping(value, what)


def strings(value: object, what: str) -> tuple[str, ...]:
    """A list of non-empty strings as a tuple; a bare string is rejected (it would iterate by character)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be a list of strings, not {type(value).__name__}")
    return tuple(text(item, f"each item of {what}") for item in value)


def optional_strings(value: object, what: str) -> tuple[str, ...] | None:
    return None if value is None else strings(value, what)


def items(value: object, what: str) -> tuple[object, ...]:
    """A list (of anything) as a tuple, so frozen configs hold no mutable lists."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be a list, not {type(value).__name__}")
    return tuple(value)


def function(value: object, what: str) -> Callable[..., Any]:
    if not callable(value):
        raise TypeError(f"{what} must be a function, not {type(value).__name__}")
    return value


def optional_function(value: object, what: str) -> Callable[..., Any] | None:
    return None if value is None else function(value, what)


def keyword_arguments(
    what: str,
    mapping: Mapping[Any, Any],
    fields: Iterable[tuple[str, str]],
    hints: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A dict config's entries as snake_case keyword arguments.

    `fields` pairs each snake_case name with its camelCase spelling. Unknown keys raise with the closest
    valid key (or a hint for names Motia renamed), and a key given in both spellings is rejected rather
    than silently picking one.
    """
    names: dict[str, str] = {}
    for snake, camel in fields:
        names[snake] = names[camel] = snake
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        name = names.get(key) if isinstance(key, str) else None
        if name is None:
            raise ValueError(f"unknown key {key!r} in {what}{_suggestion(str(key), names, hints)}")
        if name in out:
            raise ValueError(f"{what} gives {name!r} twice (snake_case and camelCase); keep one")
        out[name] = value
    return out


def require(what: str, arguments: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if key not in arguments:
            raise ValueError(f"{what} is missing required key {key!r}")


def _suggestion(key: str, names: Iterable[str], hints: Mapping[str, str] | None) -> str:
    if hints and key in hints:
        return f"; use {hints[key]!r} (Motia 1.x)"
    folded = {name.lower().replace("_", ""): name for name in names}
    close = difflib.get_close_matches(key.lower().replace("_", ""), list(folded), n=1, cutoff=0.6)
    return f"; did you mean {folded[close[0]]!r}?" if close else f"; valid keys: {', '.join(sorted(names))}"
