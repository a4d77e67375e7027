"""Aliases shared across the API: JSON values, queue and trigger kinds, and the type variables of the
generic request and response types (`motia.request`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

from typing_extensions import TypeVar

# Defaults keep the plain spellings meaning what they did: `ApiRequest` is `ApiRequest[Any, ...]`.
TBody = TypeVar("TBody", default=Any)
TStatus = TypeVar("TStatus", bound=int, default=int)
TPath = TypeVar("TPath", default=Mapping[str, str])
TQuery = TypeVar("TQuery", default=Mapping[str, str | list[str]])

JsonValue: TypeAlias = Mapping[str, object] | Sequence[object] | str | int | float | bool | None
"""A JSON value: the type of a payload no subscriber describes. Containers are read-only and hold
`object`, so TypedDicts and `dict[str, int]` are JSON values too (mypy treats a TypedDict as a
`Mapping[str, object]` and nothing narrower)."""

QueueType = Literal["standard", "fifo"]
TriggerType = Literal["http", "queue", "cron", "state", "stream"]
