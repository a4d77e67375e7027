"""JSON values: the only thing state, stream items and queue payloads may hold.

`json.dumps` alone is too lenient to be the check: it turns tuples into lists, int keys into strings and
writes NaN, so what a handler reads back would differ from what it stored. `require_json` refuses those
with the place they were found. `dumps`/`loads` are the encoding the durable backends store, and `copy`
is how the in-memory backend keeps what it stores apart from what callers hold.
"""

from __future__ import annotations

import json
import math
from typing import Any, cast

from motia.storage.backend import JsonData

_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_SCALARS = (str, int, bool, type(None))


def require_json(value: object, what: str) -> None:
    """Raise `TypeError` naming `what` and the path inside the value when `value` is not a JSON value."""
    if not is_json(value):
        problem = _first_problem(value, "$")
        if problem is not None:
            raise TypeError(f"{what} must be a JSON value; {problem}")


_PLAIN = frozenset({str, int, bool, type(None)})
_ATOMS = _PLAIN | {float}


def is_json(value: object) -> bool:
    """The quick check on every payload: exact builtin types, no paths kept, scalars checked in line.
    `_first_problem` then finds where a refused value goes wrong, and accepts subclasses such as `IntEnum`
    or an `OrderedDict`."""
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is dict:
        for key, item in cast(dict[Any, Any], value).items():
            if type(key) is not str or (type(item) not in _PLAIN and not is_json(item)):
                return False
        return True
    if kind is list:
        return all(type(item) in _PLAIN or is_json(item) for item in cast(list[Any], value))
    if kind is float:
        return math.isfinite(cast(float, value))
    return _first_problem(value, "$") is None


def _first_problem(value: object, path: str) -> str | None:
    if isinstance(value, _SCALARS):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{path} is {value}, which JSON cannot represent"
    if isinstance(value, list):
        for index, item in enumerate(value):
            problem = _first_problem(item, f"{path}[{index}]")
            if problem is not None:
                return problem
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{path} has the {type(key).__name__} key {key!r}, but object keys must be strings"
            problem = _first_problem(item, f"{path}.{key}")
            if problem is not None:
                return problem
        return None
    return f"{path} is of type {type(value).__name__}"


def copy(value: JsonData) -> JsonData:
    """A deep copy of a value already checked by `require_json`; several times faster than a JSON round
    trip or `copy.deepcopy` on the small payloads events carry: containers are copied at C speed, and
    only nested containers are visited."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        result = dict(value)
        for key, item in result.items():
            if type(item) not in _ATOMS:
                result[key] = copy(item)  # replacing a value does not resize the dict being iterated
        return result
    if kind is list:
        items = list(value)
        for index, item in enumerate(items):
            if type(item) not in _ATOMS:
                items[index] = copy(item)
        return items
    if isinstance(value, dict):
        return {key: copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy(item) for item in value]
    return value


def dumps(value: JsonData) -> str:
    """Compact JSON text of a value already checked by `require_json`."""
    return _ENCODER.encode(value)


def loads(text: str) -> JsonData:
    return json.loads(text)
