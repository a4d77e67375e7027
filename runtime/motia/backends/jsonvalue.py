"""JSON values: the only thing state, stream items and queue payloads may hold.

`json.dumps` alone is too lenient to be the check: it turns tuples into lists, int keys into strings and
writes NaN, so what a handler reads back would differ from what it stored. `require_json` refuses those
with the place they were found, and `dumps`/`loads` are the one encoding every backend uses.
"""

from __future__ import annotations

import json
import math

from motia.backend import JsonValue

_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_SCALARS = (str, int, bool, type(None))


def require_json(value: object, what: str) -> None:
    """Raise `TypeError` naming `what` and the path inside it when `value` is not a JSON value."""
    problem = _first_problem(value, "$")
    if problem is not None:
        raise TypeError(f"{what} must be a JSON value; {problem}")


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


def dumps(value: JsonValue) -> str:
    """Compact JSON text of a value already checked by `require_json`."""
    return _ENCODER.encode(value)


def loads(text: str) -> JsonValue:
    return json.loads(text)
