"""Logging: the `logger` step files import (`from motia import logger`) and how log lines are written.

A log call makes one structured record in the stdlib `logging` module (logger "motia"): its time, level,
message, and fields — the ones passed to the call plus the ones bound to the logger (the runtime binds
`step`, `trace_id` and `flows` for each handler run):

    logger.info("Order created", {"orderId": "o-1"})

`configure_logging()` installs the one handler that writes them, in one of two shapes:

* pretty, for a terminal (colours only when the stream is one):
  `14:03:07.412 INFO  [CreateOrder] K3XPA-4312345 Order created orderId=o-1`
* JSON lines, for everything else (Motia's record shape, `time` in milliseconds since the epoch):
  `{"time": 1767225787412, "level": "info", "msg": "Order created", "step": "CreateOrder",
  "traceId": "K3XPA-4312345", "orderId": "o-1"}`

Records from the runtime's own modules (`motia.queue`, `motia.cron`, ...) go through the same handler;
they attach fields with `extra=extra(step=..., ...)`. Fields are merged flat into a JSON line as Motia
does; `level` and `msg` always describe the call itself, so a field with one of those names is dropped.
Values that are not JSON are written with `str()` rather than failing: a log call must not break a
handler. A call below the logger's level costs one cached level check.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import IO, Any, ClassVar, Literal

LOGGER_NAME = "motia"
FIELDS = "motia_fields"
"""The `LogRecord` attribute holding a record's fields."""

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
"""The names `LOG_LEVEL` accepts (case does not matter)."""

LogFormat = Literal["auto", "pretty", "json"]
_LABELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error"}
_TRACE_KEYS = ("trace_id", "traceId")
_OWN_KEYS = frozenset(("level", "msg", "time", "step", *_TRACE_KEYS))


class Logger:
    """Structured logging methods in Motia's shape: `(message, fields=None)`. `warn` is Motia's name for
    `warning`; both exist."""

    __slots__ = ("_bound", "_logger")

    def __init__(self, name: str = LOGGER_NAME, bound: Mapping[str, Any] | None = None) -> None:
        self._logger = logging.getLogger(name)
        self._bound = dict(bound or {})

    def bind(self, **fields: Any) -> Logger:
        """A logger that adds `fields` (the runtime binds `step`, `trace_id` and `flows`) to every line.

        Called for every request and delivery, so it shares this logger's stdlib logger instead of looking
        it up again (`logging.getLogger` takes a lock)."""
        bound = Logger.__new__(Logger)
        bound._logger = self._logger
        bound._bound = {**self._bound, **fields}
        return bound

    def debug(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.DEBUG, message, fields)

    def info(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.INFO, message, fields)

    def warning(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.WARNING, message, fields)

    def warn(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.WARNING, message, fields)

    def error(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.ERROR, message, fields)

    def critical(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self._log(logging.CRITICAL, message, fields)

    def _log(self, level: int, message: str, fields: Mapping[str, Any] | None) -> None:
        if self._logger.isEnabledFor(level):
            bound = self._bound or _ambient()
            merged = {**bound, **fields} if bound and fields else (fields or bound)
            # No args: the message is never %-formatted, so a '%' in it is just a character.
            self._logger.log(level, message, extra={FIELDS: merged}, stacklevel=3)


def _ambient() -> Mapping[str, Any]:
    """The fields of the handler call this code runs in: the module-level `logger` (`from motia import
    logger`) used inside a handler then carries its step, flows and trace id, as `ctx.logger` does."""
    from motia.context import current_context  # noqa: PLC0415 (that module imports this one)

    ctx = current_context.get()
    return {} if ctx is None else ctx.logger._bound


def extra(**fields: Any) -> dict[str, Any]:
    """The `extra=` argument attaching fields to a stdlib log call: `log.warning(m, extra=extra(step=s))`."""
    return {FIELDS: fields}


def record_fields(record: logging.LogRecord) -> Mapping[str, Any]:
    """The fields of a record: bound and call fields for `Logger` calls, `extra(...)` for stdlib calls."""
    fields = getattr(record, FIELDS, None)
    return fields if isinstance(fields, Mapping) else {}


def level_label(levelno: int) -> str:
    """Motia's level names: debug, info, warn, error, critical."""
    return _LABELS.get(levelno) or (
        "critical" if levelno > logging.ERROR else logging.getLevelName(levelno).lower()
    )


def format_line(level: str, message: str, fields: Mapping[str, Any] | None = None) -> str:
    """One log call as a JSON line: level and message first, then the fields."""
    line: dict[str, Any] = {"level": level, "msg": message}
    line.update((key, value) for key, value in (fields or {}).items() if key not in ("level", "msg"))
    return json.dumps(line, default=str, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ms), level, msg, step, traceId, the other fields; then `logger` for
    records from another logger than "motia" and `exception` with the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        fields = record_fields(record)
        line: dict[str, Any] = {
            "time": int(record.created * 1000),
            "level": level_label(record.levelno),
            "msg": record.getMessage(),
        }
        step, trace_id = fields.get("step"), _trace_id(fields)
        if step is not None:
            line["step"] = step
        if trace_id is not None:
            line["traceId"] = trace_id
        line.update((key, value) for key, value in fields.items() if key not in _OWN_KEYS)
        if record.name != LOGGER_NAME:
            line["logger"] = record.name
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class PrettyFormatter(logging.Formatter):
    """`HH:MM:SS.mmm LEVEL [step] trace-id message key=value ...` in local time, the traceback below."""

    _COLOURS: ClassVar = {"debug": "\x1b[2m", "info": "\x1b[32m", "warn": "\x1b[33m", "error": "\x1b[31m"}
    _DIM, _BOLD, _CYAN, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[36m", "\x1b[0m"

    def __init__(self, *, colour: bool = False) -> None:
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        fields = record_fields(record)
        label = level_label(record.levelno)
        clock = time.strftime("%H:%M:%S", time.localtime(record.created)) + f".{int(record.msecs):03d}"
        parts = [
            self._paint(clock, self._DIM),
            self._paint(label.upper().ljust(5), self._level_colour(label)),
        ]
        step, trace_id = fields.get("step"), _trace_id(fields)
        if step is not None:
            parts.append(self._paint(f"[{step}]", self._CYAN))
        if trace_id is not None:
            parts.append(self._paint(str(trace_id), self._DIM))
        parts.append(record.getMessage())
        parts.extend(
            f"{self._paint(key + '=', self._DIM)}{_pretty_value(value)}"
            for key, value in fields.items()
            if key not in _OWN_KEYS and key != "flows"
        )
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line

    def _level_colour(self, label: str) -> str:
        return self._COLOURS.get(label, self._BOLD + "\x1b[31m")

    def _paint(self, text: str, colour: str) -> str:
        return f"{colour}{text}{self._RESET}" if self.colour else text


class _Handler(logging.StreamHandler[IO[str]]):
    """The handler `configure_logging` installs; a second call replaces it."""


def configure_logging(
    mode: LogFormat = "auto", level: str | None = None, stream: IO[str] | None = None
) -> logging.Handler:
    """Write the "motia" logger's records (and its children's: `motia.queue`, `motia.cron`, ...) to
    `stream` (default: stderr) through one handler, replacing the one a previous call installed.

    `mode` "auto" follows `MOTIA_LOG_FORMAT` (json or pretty) when set, else writes pretty lines to a
    terminal and JSON lines to anything else. `level` defaults to `LOG_LEVEL`, else info; an unknown name
    means info, with one warning line saying so. The records no longer propagate to the root logger, so a
    handler configured there does not write them a second time.
    """
    if mode not in ("auto", "pretty", "json"):
        raise ValueError(f"unknown log format {mode!r}: expected 'auto', 'pretty' or 'json'")
    out: IO[str] = stream if stream is not None else sys.stderr
    problems: list[str] = []
    chosen = mode if mode != "auto" else _format_from_env(out, problems)
    threshold = _level(level, problems)

    motia = logging.getLogger(LOGGER_NAME)
    for old in [h for h in motia.handlers if isinstance(h, _Handler)]:
        motia.removeHandler(old)
    handler = _Handler(out)
    colour = _is_terminal(out) and not os.environ.get("NO_COLOR")
    handler.setFormatter(PrettyFormatter(colour=colour) if chosen == "pretty" else JsonFormatter())
    motia.addHandler(handler)
    motia.setLevel(threshold)
    motia.propagate = False
    for problem in problems:  # shown whatever the level: the configuration itself is wrong
        motia.handle(motia.makeRecord(LOGGER_NAME, logging.WARNING, __file__, 0, problem, (), None))
    return handler


def _format_from_env(stream: IO[str], problems: list[str]) -> str:
    wanted = os.environ.get("MOTIA_LOG_FORMAT", "").strip().lower()
    if wanted in ("pretty", "json"):
        return wanted
    if wanted not in ("", "auto"):
        problems.append(f"unknown MOTIA_LOG_FORMAT {wanted!r} (expected json or pretty): chose by the output")
    return "pretty" if _is_terminal(stream) else "json"


def _level(level: str | None, problems: list[str]) -> int:
    source = "log level" if level is not None else "LOG_LEVEL"
    name = level if level is not None else os.environ.get("LOG_LEVEL", "info")
    threshold = LEVELS.get(name.strip().lower())
    if threshold is None:
        known = ", ".join(LEVELS)
        problems.append(f"unknown {source} {name!r} (expected one of {known}): using info")
        return logging.INFO
    return threshold


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _trace_id(fields: Mapping[str, Any]) -> Any:
    for key in _TRACE_KEYS:
        value = fields.get(key)
        if value is not None:
            return value
    return None


def _pretty_value(value: Any) -> str:
    if isinstance(value, str):
        plain = value and not any(c.isspace() or c in "\"'=" for c in value)
        return value if plain else json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool | int | float | list | dict):
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
    return _pretty_value(str(value))


logger = Logger()
"""The shared logger for step files and runtime code."""
