"""Cron expressions: 5 fields (minute first), or 6/7 with leading seconds and an optional trailing year,
as Motia's schedulers accept them. Fields are checked by cronsim; the macros and the year field, which
cronsim does not know, are handled here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

from motia_gen import model
from motia_gen.check.base import CheckInput
from motia_gen.diagnostics import Diagnostic, diag

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
FIELDS_5 = ("minute", "hour", "day-of-month", "month", "day-of-week")
FIELDS_6 = ("second", *FIELDS_5)
YEARS = (1970, 2099)
_YEAR_ITEM = re.compile(r"^(\*|\d{4}(-\d{4})?)(/[1-9]\d*)?$")  # a step of 0 never advances
_START = datetime(2026, 1, 1, tzinfo=UTC)


def cron_problem(expression: str) -> str | None:
    """Why an expression is not a valid schedule, naming the field; None when it is valid."""
    text = " ".join(expression.split())
    if text.startswith("@"):
        return None if text in MACROS else f"unknown macro '{text}' (known: {', '.join(MACROS)})"
    fields = text.split(" ")
    if len(fields) not in (5, 6, 7):
        return f"has {len(fields)} fields; expected 5 (minute first), or 6/7 (seconds first, optional year)"
    if len(fields) == 7:
        problem = _year_problem(fields[6])
        if problem is not None:
            return problem
        fields = fields[:6]
    try:
        CronSim(" ".join(fields), _START)
    except CronSimError as error:
        return _field_message(str(error), fields)
    return None


def _year_problem(field: str) -> str | None:
    for item in field.split(","):
        match = _YEAR_ITEM.match(item)
        years = [int(y) for y in re.findall(r"\d{4}", item)]
        if match is None or any(not YEARS[0] <= y <= YEARS[1] for y in years) or years != sorted(years):
            return f"bad year field '{field}' (years {YEARS[0]}–{YEARS[1]}, ranges, lists and steps)"
    return None


def _field_message(error: str, fields: list[str]) -> str:
    names = FIELDS_6 if len(fields) == 6 else FIELDS_5
    lowered = error.lower()
    for index, name in enumerate(names):
        if name.replace("-", " ") in lowered.replace("-", " "):
            return f"bad {name} field '{fields[index]}'"
    return error[:1].lower() + error[1:]


def cron_expressions(check: CheckInput) -> Iterator[Diagnostic]:
    for step in check.app.steps:
        for trigger in step.triggers:
            if isinstance(trigger, model.CronTrigger):
                problem = cron_problem(trigger.expression)
                if problem is not None:
                    yield diag(
                        "MG220", trigger.span, f"invalid cron expression '{trigger.expression}': {problem}"
                    )


FILE_RULES = (cron_expressions,)
