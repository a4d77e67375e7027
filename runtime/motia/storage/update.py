"""What an atomic update does to a stored value: the reference semantics every backend follows.

Each op addresses a path of object keys from the root. A missing value (or a missing key on the way) counts
as an empty object, so `increment` on a fresh key starts from 0 and `set` creates parent objects. An op
that meets something of the wrong kind (incrementing a string, merging into a list) raises `TypeError`;
the backend then stores nothing, so a failed update never leaves a half-applied value behind.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

from motia.storage.backend import IncrementOp, JsonData, MergeOp, RemoveOp, SetOp, UpdateOp


def apply_ops(current: JsonData, ops: Sequence[UpdateOp]) -> JsonData:
    """The value after applying `ops` in order to `current` (which is left untouched)."""
    value = copy.deepcopy(current)
    for op in ops:
        value = _apply(value, op)
    return value


def _apply(value: JsonData, op: UpdateOp) -> JsonData:
    if isinstance(op, SetOp) and not op.path:
        return copy.deepcopy(op.value)
    root = {} if value is None else value
    if isinstance(op, MergeOp) and not op.path:
        return _merged(root, op.value, op.path)
    parent = _parent(root, op.path)
    key = op.path[-1]
    if isinstance(op, SetOp):
        parent[key] = copy.deepcopy(op.value)
    elif isinstance(op, MergeOp):
        parent[key] = _merged(parent.get(key), op.value, op.path)
    elif isinstance(op, IncrementOp):
        parent[key] = _incremented(parent.get(key), op.by, op.path)
    elif isinstance(op, RemoveOp):
        parent.pop(key, None)
    return root


def _parent(root: JsonData, path: tuple[str, ...]) -> dict[str, JsonData]:
    """The object holding the last key of `path`, creating missing objects on the way."""
    node = _object(root, ())
    for depth, key in enumerate(path[:-1], start=1):
        child = node.get(key)
        if child is None:
            child = node[key] = {}
        node = _object(child, path[:depth])
    return node


def _object(value: JsonData, path: tuple[str, ...]) -> dict[str, JsonData]:
    if not isinstance(value, dict):
        raise TypeError(f"{_where(path)} is a {_kind(value)}, not an object")
    return value


def _merged(target: JsonData, patch: dict[str, JsonData], path: tuple[str, ...]) -> dict[str, JsonData]:
    merged = {} if target is None else _object(target, path)
    merged.update(copy.deepcopy(patch))
    return merged


def _incremented(target: JsonData, by: int | float, path: tuple[str, ...]) -> int | float:
    start = 0 if target is None else target
    if isinstance(start, bool) or not isinstance(start, int | float):
        raise TypeError(f"cannot increment {_where(path)}: it is a {_kind(start)}, not a number")
    result = start + by
    if isinstance(result, float) and not math.isfinite(result):
        raise TypeError(f"incrementing {_where(path)} by {by} overflows to {result}")
    return result


def _where(path: tuple[str, ...]) -> str:
    return "the value" if not path else "path " + ".".join(repr(key) for key in path)


def _kind(value: JsonData) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), type(value).__name__)
