"""`ctx.state`: grouped key-value state shared by every step, kept by a backend.

Both generations of Motia's API are here: classic `get/set/delete/getGroup/clear` (with the snake_case
`get_group`) and 1.x `list`, `list_groups` and the atomic `update(group, key, ops)`, whose ops are dicts
shaped like Motia 1.x's (`{"type": "increment", "path": "count", "by": 1}`; see `parse_ops`).

Only JSON values are stored. Anything else (a set, a datetime, a pydantic model, NaN, a dict with int keys)
is refused with a `TypeError` naming the group, the key and where in the value the problem is, before
anything is written: storing it would either fail later in a backend or come back changed.

(The module is not called `state`: `motia.state` is the state trigger helper step files import, and a
submodule of that name would replace it on the package once imported.)
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from motia.context import StateUpdate
from motia.storage.backend import (
    STATE_NAMESPACE,
    Backend,
    IncrementOp,
    JsonData,
    MergeOp,
    RemoveOp,
    SetOp,
    UpdateOp,
)
from motia.storage.jsonvalue import require_json

StateListener = Callable[[str, str, JsonData, JsonData], Awaitable[None]]
"""Told `(group, key, old value, new value)` after each change; None stands for "no value"."""

_OP_KEYS = {
    "set": {"path", "value"},
    "merge": {"path", "value"},
    "increment": {"path", "by"},
    "decrement": {"path", "by"},
    "remove": {"path"},
}


class BackendState:
    """State over a backend namespace (`"state"` by default; a stream's item namespace works the same).

    `on_change`, when given, hears of every change after it is written: a set (even to an equal value), an
    update, a delete or clear of a value that existed. It is how state triggers fire; without one, `set`
    and `clear` do not read the old values first. (`clear` reads the group, then clears it: a value
    written in between is cleared without being reported.)
    """

    def __init__(
        self,
        backend: Backend,
        *,
        namespace: str = STATE_NAMESPACE,
        label: str = "state",
        on_change: StateListener | None = None,
    ) -> None:
        self._backend = backend
        self._namespace = namespace
        self._label = label
        self._on_change = on_change

    async def get(self, group: str, key: str) -> JsonData:
        """The value stored under `group`/`key`, or None."""
        return await self._backend.get(self._namespace, *self._address(group, key))

    async def set(self, group: str, key: str, value: JsonData) -> JsonData:
        """Store `value` (a JSON value) and return it, as Motia does."""
        group, key = self._address(group, key)
        require_json(value, f"{self._label} value for {group!r}/{key!r}")
        if self._on_change is None:
            await self._backend.set(self._namespace, group, key, value)
            return value
        # One atomic step, so the old value reported is exactly the one this write replaced.
        result = await self._backend.update(self._namespace, group, key, [SetOp((), value)])
        await self._on_change(group, key, result.old_value, value)
        return value

    async def delete(self, group: str, key: str) -> JsonData:
        """Remove the value and return what it was (None if there was none)."""
        group, key = self._address(group, key)
        old = await self._backend.delete(self._namespace, group, key)
        if old is not None and self._on_change is not None:
            await self._on_change(group, key, old, None)
        return old

    async def get_group(self, group: str) -> builtins.list[JsonData]:
        """Every value of the group, ordered by key."""
        records = await self._backend.get_group(self._namespace, self._group(group))
        return [value for _, value in records]

    async def list_groups(self) -> builtins.list[str]:
        """Names of the groups holding at least one value, sorted."""
        return await self._backend.list_groups(self._namespace)

    async def clear(self, group: str) -> None:
        """Remove every value of the group."""
        group = self._group(group)
        if self._on_change is None:
            await self._backend.clear(self._namespace, group)
            return
        records = await self._backend.get_group(self._namespace, group)
        await self._backend.clear(self._namespace, group)
        for key, old in records:
            await self._on_change(group, key, old, None)

    async def update(self, group: str, key: str, ops: Sequence[Mapping[str, Any] | UpdateOp]) -> StateUpdate:
        """Apply `ops` in order as one atomic step; returns `{"old_value": ..., "new_value": ...}` like
        Motia 1.x. Nothing is written when an op is malformed or does not fit the stored value."""
        group, key = self._address(group, key)
        what = f"{self._label} update of {group!r}/{key!r}"
        parsed = parse_ops(ops, what)
        try:
            result = await self._backend.update(self._namespace, group, key, parsed)
        except TypeError as error:
            raise TypeError(f"{what} failed: {error}") from error
        if self._on_change is not None:
            await self._on_change(group, key, result.old_value, result.new_value)
        return {"old_value": result.old_value, "new_value": result.new_value}

    # Classic Motia's camelCase spelling and Motia 1.x's name for the same call.
    getGroup = get_group
    list = get_group

    def _address(self, group: str, key: str) -> tuple[str, str]:
        if not isinstance(key, str):
            raise TypeError(f"{self._label} key must be a string, not {type(key).__name__}")
        return self._group(group), key

    def _group(self, group: str) -> str:
        if not isinstance(group, str):
            raise TypeError(f"{self._label} group must be a string, not {type(group).__name__}")
        return group


def parse_ops(ops: Sequence[Mapping[str, Any] | UpdateOp], what: str) -> list[UpdateOp]:
    """Read update ops given as Motia 1.x dicts (or as the op dataclasses themselves).

    `{"type": "set", "path": p, "value": v}`, `{"type": "merge", "path"?: p, "value": {...}}`,
    `{"type": "increment" | "decrement", "path": p, "by"?: n}` (`by` defaults to 1),
    `{"type": "remove", "path": p}`. A path is one top-level key (`"count"`; dots are part of the key, as
    in Motia), a list of keys for a nested field (`["totals", "eur"]`), or `""`/missing for the whole value
    where that makes sense (set and merge).
    """
    if isinstance(ops, str | bytes | Mapping) or not isinstance(ops, Sequence):
        raise TypeError(f"{what}: ops must be a list of operations, not {type(ops).__name__}")
    return [_parse_op(op, f"{what}, op {index}") for index, op in enumerate(ops)]


def _parse_op(op: Mapping[str, Any] | UpdateOp, what: str) -> UpdateOp:
    if isinstance(op, SetOp | MergeOp | IncrementOp | RemoveOp):
        _check_values(op, what)
        return op
    if not isinstance(op, Mapping):
        raise TypeError(f"{what} must be a dict like {{'type': 'set', 'path': ..., 'value': ...}}")
    kind = op.get("type")
    if kind not in _OP_KEYS:
        raise ValueError(f"{what} has type {kind!r}; expected one of {', '.join(sorted(_OP_KEYS))}")
    unknown = sorted(set(op) - _OP_KEYS[kind] - {"type"})
    if unknown:
        raise ValueError(f"{what} ({kind}) has unexpected keys: {', '.join(map(str, unknown))}")
    path = _path(op.get("path", ""), what)
    parsed = _build(kind, path, op, what)
    _check_values(parsed, what)
    return parsed


def _build(kind: str, path: tuple[str, ...], op: Mapping[str, Any], what: str) -> UpdateOp:
    if kind in ("set", "merge"):
        if "value" not in op:
            raise ValueError(f"{what} ({kind}) needs a 'value'")
        return SetOp(path, op["value"]) if kind == "set" else MergeOp(path, op["value"])
    if not path:
        raise ValueError(f"{what} ({kind}) needs a non-empty 'path'")
    if kind == "remove":
        return RemoveOp(path)
    by = op.get("by", 1)
    if isinstance(by, bool) or not isinstance(by, int | float):
        raise TypeError(f"{what} ({kind}): 'by' must be a number, not {type(by).__name__}")
    return IncrementOp(path, by if kind == "increment" else -by)


def _path(path: object, what: str) -> tuple[str, ...]:
    if isinstance(path, str):
        return (path,) if path else ()
    if isinstance(path, list | tuple) and all(isinstance(part, str) and part for part in path):
        return tuple(path)
    raise TypeError(f"{what}: 'path' must be a key or a list of non-empty keys, not {path!r}")


def _check_values(op: UpdateOp, what: str) -> None:
    if isinstance(op, SetOp | MergeOp):
        require_json(op.value, f"{what} value")
    if isinstance(op, MergeOp) and not isinstance(op.value, dict):
        raise TypeError(f"{what} (merge): 'value' must be an object, not {type(op.value).__name__}")
    if isinstance(op, IncrementOp):
        require_json(op.by, f"{what} amount")
