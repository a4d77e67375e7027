"""`logger`: the module-level logger step files import (`from motia import logger`).

Each call writes one JSON line through the stdlib `logging` module (logger name "motia"), so an
application configures levels and handlers the usual way, and the lines stay machine-readable:

    logger.info("Order created", {"orderId": "o-1"})
    → {"level": "info", "msg": "Order created", "orderId": "o-1"}

Fields are merged flat into the line, as Motia's logger does; `level` and `msg` always describe the call
itself, so a field with one of those names is overridden. Values that are not JSON are written with
`str()` rather than failing: a log call must not break a handler.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

LOGGER_NAME = "motia"


class Logger:
    """Structured logging methods in Motia's shape: `(message, fields=None)`. `warn` is Motia's name for
    `warning`; both exist."""

    __slots__ = ("_bound", "_logger")

    def __init__(self, name: str = LOGGER_NAME, bound: Mapping[str, Any] | None = None) -> None:
        self._logger = logging.getLogger(name)
        self._bound = dict(bound or {})

    def bind(self, **fields: Any) -> Logger:
        """A logger that adds `fields` (the runtime binds `step`, `trace_id` and `flows`) to every line."""
        return Logger(self._logger.name, {**self._bound, **fields})

    def debug(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.DEBUG, "debug", message, fields)

    def info(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.INFO, "info", message, fields)

    def warning(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.WARNING, "warn", message, fields)

    def warn(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.WARNING, "warn", message, fields)

    def error(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.ERROR, "error", message, fields)

    def _log(self, level: int, label: str, message: str, fields: Mapping[str, Any] | None) -> None:
        if self._logger.isEnabledFor(level):
            merged = {**self._bound, **fields} if self._bound and fields else (fields or self._bound)
            self._logger.log(level, "%s", format_line(label, message, merged), stacklevel=3)


def format_line(level: str, message: str, fields: Mapping[str, Any] | None = None) -> str:
    """One log call as a JSON line: level and message first, then the fields."""
    line: dict[str, Any] = {"level": level, "msg": message}
    line.update((key, value) for key, value in (fields or {}).items() if key not in ("level", "msg"))
    return json.dumps(line, default=str, ensure_ascii=False)


logger = Logger()
"""The shared logger for step files and runtime code."""
