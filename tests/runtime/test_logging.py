"""Log records and the handler `configure_logging` installs: pretty lines for a terminal, JSON lines
otherwise, the level from LOG_LEVEL, one handler however often it is called."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from motia.logging import (
    LOGGER_NAME,
    JsonFormatter,
    PrettyFormatter,
    configure_logging,
    extra,
    logger,
    record_fields,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CLOCK = r"\d\d:\d\d:\d\d\.\d{3}"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def motia_logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[logging.Logger]:
    """The "motia" logger as it was before the test: configure_logging changes process-wide state."""
    for name in ("LOG_LEVEL", "MOTIA_LOG_FORMAT", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    motia = logging.getLogger(LOGGER_NAME)
    saved = (motia.handlers[:], motia.level, motia.propagate)
    yield motia
    motia.handlers[:], motia.level, motia.propagate = saved


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines(stream)]


in_step = logger.bind(step="CreateOrder", trace_id="K3XPA-4312345", flows=["orders"])


# -- the two shapes


def test_json_lines_when_the_stream_is_not_a_terminal() -> None:
    out = io.StringIO()
    configure_logging(stream=out)
    in_step.info("Order created", {"orderId": "o-1", "amount": 3})
    (line,) = json_lines(out)
    assert list(line) == ["time", "level", "msg", "step", "traceId", "flows", "orderId", "amount"]
    assert isinstance(line["time"], int)
    assert line | {"time": 0} == {
        "time": 0,
        "level": "info",
        "msg": "Order created",
        "step": "CreateOrder",
        "traceId": "K3XPA-4312345",
        "flows": ["orders"],
        "orderId": "o-1",
        "amount": 3,
    }


def test_pretty_lines_with_colours_on_a_terminal() -> None:
    out = Terminal()
    configure_logging(stream=out)
    in_step.warn("Low stock", {"sku": "A-1", "left": 2, "note": "two words", "tags": ["x", "y"]})
    (line,) = lines(out)
    assert "\x1b[" in line
    fields = r'sku=A-1 left=2 note="two words" tags=\["x","y"\]'
    pattern = rf"{CLOCK} WARN  \[CreateOrder\] K3XPA-4312345 Low stock {fields}"
    assert re.fullmatch(pattern, ANSI.sub("", line))


def test_pretty_lines_asked_for_on_a_file_have_no_colours() -> None:
    out = io.StringIO()
    configure_logging("pretty", stream=out)
    logger.info("started")
    logger.error("failed", {"empty": "", "none": None, "odd": object()})
    first, second = lines(out)
    assert "\x1b[" not in first + second
    assert re.fullmatch(rf"{CLOCK} INFO  started", first)
    assert re.fullmatch(
        rf'{CLOCK} ERROR failed empty="" none=null odd="<object object at 0x[0-9a-f]+>"', second
    )


def test_pretty_time_is_local_wall_clock_with_milliseconds() -> None:
    created = 1_767_225_787.412
    record = logging.makeLogRecord({"msg": "m", "levelno": logging.INFO, "created": created, "msecs": 412.0})
    expected = time.strftime("%H:%M:%S", time.localtime(created)) + ".412 INFO  m"
    assert PrettyFormatter().format(record) == expected


def test_motia_log_format_chooses_unless_the_call_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTIA_LOG_FORMAT", "json")
    terminal = Terminal()
    configure_logging(stream=terminal)
    logger.info("as json")
    assert json_lines(terminal)[0]["msg"] == "as json"

    monkeypatch.setenv("MOTIA_LOG_FORMAT", "pretty")
    file = io.StringIO()
    configure_logging(stream=file)
    logger.info("as text")
    assert re.fullmatch(rf"{CLOCK} INFO  as text", lines(file)[0])

    explicit = io.StringIO()
    configure_logging("json", stream=explicit)
    logger.info("the call wins")
    assert json_lines(explicit)[0]["msg"] == "the call wins"


def test_an_unknown_format_is_refused_by_the_call_and_reported_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValueError, match="unknown log format 'yaml'"):
        configure_logging("yaml", stream=io.StringIO())  # type: ignore[arg-type]
    monkeypatch.setenv("MOTIA_LOG_FORMAT", "yaml")
    out = io.StringIO()
    configure_logging(stream=out)
    (warning,) = json_lines(out)
    assert warning["level"] == "warn"
    assert warning["msg"] == "unknown MOTIA_LOG_FORMAT 'yaml' (expected json or pretty): chose by the output"


# -- levels


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        (None, ["info", "warn", "error"]),
        ("debug", ["debug", "info", "warn", "error"]),
        ("INFO", ["info", "warn", "error"]),
        ("warn", ["warn", "error"]),
        ("warning", ["warn", "error"]),
        ("error", ["error"]),
        ("critical", []),
    ],
)
def test_log_level_sets_the_threshold(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, shown: list[str]
) -> None:
    if setting is not None:
        monkeypatch.setenv("LOG_LEVEL", setting)
    out = io.StringIO()
    configure_logging(stream=out)
    for method in (logger.debug, logger.info, logger.warn, logger.error):
        method("m")
    assert [line["level"] for line in json_lines(out)] == shown


def test_an_unknown_log_level_means_info_and_says_so_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    out = io.StringIO()
    configure_logging(stream=out)
    logger.debug("hidden")
    logger.info("shown")
    warning, shown = json_lines(out)
    assert warning["level"] == "warn"
    assert warning["msg"].startswith(
        "unknown LOG_LEVEL 'verbose' (expected one of debug, info, warn, warning"
    )
    assert warning["msg"].endswith("): using info")
    assert shown["msg"] == "shown"


def test_the_level_argument_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "error")
    out = io.StringIO()
    configure_logging(level="debug", stream=out)
    logger.debug("d")
    assert [line["msg"] for line in json_lines(out)] == ["d"]


def test_a_disabled_call_does_no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    class Untouchable(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            raise AssertionError("fields read")

        def __iter__(self) -> Iterator[str]:
            raise AssertionError("fields read")

        def __len__(self) -> int:
            raise AssertionError("fields read")

    monkeypatch.setenv("LOG_LEVEL", "warn")
    out = io.StringIO()
    configure_logging(stream=out)
    in_step.info("hidden", Untouchable())
    assert out.getvalue() == ""


# -- one handler, for every motia logger


def test_configuring_twice_keeps_one_handler(motia_logger: logging.Logger) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(stream=first)
    configure_logging(stream=first)
    logger.info("once")
    assert len(lines(first)) == 1
    configure_logging(stream=second)
    logger.info("moved")
    assert [line["msg"] for line in json_lines(first)] == ["once"]
    assert [line["msg"] for line in json_lines(second)] == ["moved"]
    assert len(motia_logger.handlers) == 1


def test_records_are_not_written_again_by_a_root_handler() -> None:
    seen: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    root = logging.getLogger()
    collect = Collect()
    root.addHandler(collect)
    try:
        configure_logging(stream=io.StringIO())
        logger.info("only once")
    finally:
        root.removeHandler(collect)
    assert seen == []


def test_runtime_module_records_share_the_format() -> None:
    out = io.StringIO()
    configure_logging(stream=out)
    queue_log = logging.getLogger("motia.queue")
    queue_log.warning("%s → %s: retry %d", "t", "s", 2, extra=extra(step="Notify", trace_id="T-1", attempt=2))
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("motia.cron").exception("cron tick[0]: the run failed")
    retry, failure = json_lines(out)
    assert retry | {"time": 0} == {
        "time": 0,
        "level": "warn",
        "msg": "t → s: retry 2",
        "step": "Notify",
        "traceId": "T-1",
        "attempt": 2,
        "logger": "motia.queue",
    }
    assert failure["level"] == "error"
    assert failure["logger"] == "motia.cron"
    assert failure["exception"].startswith("Traceback (most recent call last):")
    assert failure["exception"].endswith("RuntimeError: boom")


def test_pretty_lines_put_the_traceback_below() -> None:
    out = io.StringIO()
    configure_logging("pretty", stream=out)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("motia.cron").exception("the run failed")
    first, *rest = lines(out)
    assert re.fullmatch(rf"{CLOCK} ERROR the run failed", first)
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "RuntimeError: boom"


# -- records


def test_a_record_keeps_the_message_as_given_and_the_caller_as_its_origin(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    in_step.info("100% done", {"level": "spoof", "msg": "spoof", "when": object()})
    (record,) = caplog.records
    assert record.getMessage() == "100% done"
    assert record.pathname == __file__
    assert record_fields(record)["step"] == "CreateOrder"
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["msg"]) == ("info", "100% done")
    assert line["when"].startswith("<object object")


def test_critical_is_a_level_of_its_own(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    logger.critical("down")
    (record,) = caplog.records
    assert json.loads(JsonFormatter().format(record))["level"] == "critical"
    assert " CRITICAL down" in PrettyFormatter().format(record)
