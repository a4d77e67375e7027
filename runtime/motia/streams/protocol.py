"""Motia's stream protocol on the wire: what clients send (`parse_message`), the envelopes the server sends
(`envelope`, `error_frame`), the subscription and authentication records the hooks see, and how an
`authenticate` hook's result reads (`auth_outcome`). The socket that speaks it is `motia.streams.socket`."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from motia.web.wire import loads

ACCESS_DENIED = {"code": "STREAM_ACCESS_DENIED", "message": "Access denied"}


@dataclass(frozen=True, slots=True)
class StreamAuthInput:
    """What `authenticate` gets about a connection (Motia 1.x's `StreamAuthInput`; classic hooks read
    `headers` and `url`, also as `input["headers"]`)."""

    headers: Mapping[str, str]
    path: str
    query_params: Mapping[str, str | list[str]]
    addr: str | None = None
    url: str = "/"

    def __getitem__(self, key: str) -> Any:
        return getattr(self, _SNAKE.get(key, key))

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, _SNAKE.get(key, key), default)


@dataclass(frozen=True, slots=True)
class StreamSubscription:
    """A join's subscription as the access hooks see it (`sub.group_id` or `sub["groupId"]`)."""

    stream_name: str
    group_id: str
    id: str | None = None
    subscription_id: str | None = None

    def __getitem__(self, key: str) -> Any:
        return getattr(self, _SNAKE.get(key, key))

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, _SNAKE.get(key, key), default)


_SNAKE = {
    "streamName": "stream_name",
    "groupId": "group_id",
    "subscriptionId": "subscription_id",
    "queryParams": "query_params",
}

Room = tuple[str, str, str | None]  # (stream, group, item id or None for the whole group)


class InvalidMessage(ValueError):
    """A client message that is not a join or leave of Motia's shape."""


def dumps(message: Mapping[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def envelope(stream: str, group: str, item: str | None, event: Mapping[str, Any]) -> str:
    message: dict[str, Any] = {"timestamp": now_ms(), "streamName": stream, "groupId": group}
    if item is not None:
        message["id"] = item
    message["event"] = event
    return dumps(message)


def error_frame(stream: str, group: str, item: str | None, data: Mapping[str, str]) -> str:
    return envelope(stream, group, item, {"type": "event", "event": {"type": "error", "data": dict(data)}})


def auth_outcome(result: Any) -> tuple[bool, Any]:
    """(authorized, auth context) from what `authenticate` returned (see the module docstring)."""
    if result is None or result is False:
        return False, None
    if result is True:
        return True, None
    if isinstance(result, Mapping):
        if "authorized" in result:  # the seeds' `{"authorized": ..., "context": ...}`
            return result["authorized"] is True, result.get("context")
        return True, result
    if hasattr(result, "authorized"):
        return result.authorized is True, getattr(result, "context", None)
    return True, result


@dataclass(frozen=True, slots=True)
class StreamAuthResult:
    """What `authenticate` may return (Motia 1.x's model): whether the connection is let in and the auth
    context the access hooks get. A dict `{"authorized": ..., "context": ...}` means the same."""

    authorized: bool
    context: Any = None


def parse_message(raw: str | bytes | None) -> tuple[str, StreamSubscription]:
    """The kind (`join`/`leave`) and subscription of a client message, or `InvalidMessage`."""
    if raw is None:
        raise InvalidMessage("expected a JSON text message")
    try:
        message = loads(raw.encode() if isinstance(raw, str) else raw)
    except ValueError as problem:  # not JSON, not UTF-8, NaN, or nested too deeply
        raise InvalidMessage(f"the message is not JSON: {problem}") from None
    expected = (
        'expected {"type": "join" | "leave", "data": {"streamName": string, "groupId": string, '
        '"id"?: string, "subscriptionId": string}}'
    )
    if not isinstance(message, dict) or message.get("type") not in ("join", "leave"):
        raise InvalidMessage(expected)
    data = message.get("data")
    if not isinstance(data, dict):
        raise InvalidMessage(expected)
    stream, group, item, sub = (data.get(key) for key in ("streamName", "groupId", "id", "subscriptionId"))
    if not isinstance(stream, str) or not stream or not isinstance(group, str):
        raise InvalidMessage(f"'streamName' and 'groupId' must be strings; {expected}")
    if item is not None and not isinstance(item, str):
        raise InvalidMessage(f"'id' must be a string when given; {expected}")
    if sub is not None and not isinstance(sub, str):
        raise InvalidMessage(f"'subscriptionId' must be a string; {expected}")
    return message["type"], StreamSubscription(stream, group, item, sub)


def where(raw: str | bytes | None) -> Room:
    """The stream, group and item a malformed message names, as far as it names them (for its error)."""
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        message = loads(raw.encode() if isinstance(raw, str) else raw or b"")
        data = message.get("data") if isinstance(message, dict) else None
        if isinstance(data, dict):
            stream, group, item = data.get("streamName"), data.get("groupId"), data.get("id")
            return (
                stream if isinstance(stream, str) else "",
                group if isinstance(group, str) else "",
                item if isinstance(item, str) else None,
            )
    return "", "", None
