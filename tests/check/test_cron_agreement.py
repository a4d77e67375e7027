"""The compiler's cron check and the runtime's scheduler accept exactly the same expressions: an app that
builds must not fail when its scheduler starts."""

from __future__ import annotations

import pytest
from motia.scheduler import parse_schedule

from motia_gen.check.cron import cron_problem

EXPRESSIONS = [
    "*/15 9-17 * * 1-5",
    "0 12 * JAN,JUL MON-FRI",
    "30 0 */5 * * *",
    "0 0 0 1 1 * 2030",
    "0 0 0 1 1 * 2026-2030/2",
    "0 0 0 1 1 * */0",
    "0 0 0 1 1 * 1800",
    "@daily",
    "@hourly",
    "@reboot",
    "@often",
    "0 0 L * *",
    "0 0 * * 5L",
    "0 0 * * 1#2",
    "0 0 15W * *",
    "0 0 ? * *",
    "H H * * *",
    "61 * * * *",
    "*/0 * * * *",
    "0 0 30 2 *",
    "0 0 * * 8",
    "* * *",
    "",
    "garbage",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_compiler_and_runtime_agree(expression: str) -> None:
    compiler_accepts = cron_problem(expression) is None
    try:
        parse_schedule(expression)
        runtime_accepts = True
    except ValueError:
        runtime_accepts = False
    assert compiler_accepts == runtime_accepts
