"""Unit tests of the check helpers the golden cases exercise only through whole apps."""

from __future__ import annotations

import pytest

from motia_gen.check.cron import cron_problem
from motia_gen.check.graph import schema_conflict
from motia_gen.diagnostics import suggest
from motia_gen.diagnostics.suggest import TopicIndex, distance


@pytest.mark.parametrize(
    "expression",
    ["*/15 9-17 * * 1-5", "0 12 * JAN,JUL MON-FRI", "30 0 */5 * * *", "0 0 0 1 1 * 2030", "0 0 0 1 1 * */2",
     "@daily", "@hourly", "0 0 L * *", "0 0 * * 5#3", "5 4 * * sun"],
)  # fmt: skip
def test_valid_cron_expressions(expression: str) -> None:
    assert cron_problem(expression) is None


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("61 * * * *", "bad minute field '61'"),
        ("0 25 * * *", "bad hour field '25'"),
        ("0 0 * * 8", "bad day-of-week field '8'"),
        ("0 0 0 32 * *", "bad day-of-month field '32'"),
        ("* * *", "has 3 fields"),
        ("@often", "unknown macro '@often'"),
        ("0 0 0 1 1 * 1800", "bad year field '1800'"),
        ("0 0 0 1 1 * */0", "bad year field '*/0'"),
        ("0 0 0 1 1 * 2026/0", "bad year field '2026/0'"),
    ],
)
def test_invalid_cron_expressions_name_the_field(expression: str, problem: str) -> None:
    found = cron_problem(expression)
    assert found is not None
    assert found.startswith(problem)


def test_near_miss_topics() -> None:
    index = TopicIndex(["like:supabase-sync", "order_created", "order.shipped", "user.signup"])
    assert index.closest("like:database-sync") == "like:supabase-sync"
    assert index.closest("order.created") == "order_created"
    assert index.closest("order.shiped") == "order.shipped"
    assert index.closest("usr.signup") == "user.signup"
    assert index.closest("payment.failed") is None
    assert index.closest("order.shipped") is None  # itself is not a suggestion


def test_distance_counts_transpositions_once_and_stops_early() -> None:
    assert distance("order", "roder", 2) == 1
    assert distance("abc", "abc", 0) == 0
    assert distance("a" * 10, "b" * 10, 2) == 3  # over the limit: limit + 1


def test_suggestions_do_not_compare_every_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of similar topics: each lookup touches bounded buckets, not the whole index."""
    topics = [f"order.created.{i:04d}" for i in range(3000)]
    index = TopicIndex(topics)
    calls = 0
    original = distance

    def counting(a: str, b: str, limit: int) -> int:
        nonlocal calls
        calls += 1
        return original(a, b, limit)

    monkeypatch.setattr(suggest, "distance", counting)
    assert index.closest("order.created.0123x") is not None
    assert calls < 1000


def test_schema_conflicts() -> None:
    string_id = {"type": "object", "properties": {"id": {"type": "string"}}}
    number_id = {"type": "object", "properties": {"id": {"type": "number"}}}
    integer_id = {"type": "object", "properties": {"id": {"type": "integer"}}}
    closed = {"type": "object", "properties": {}, "additionalProperties": False}
    requires_id = {"type": "object", "required": ["id"]}
    assert schema_conflict(string_id, number_id) is not None
    assert schema_conflict(number_id, integer_id) is None  # an integer is a number
    assert schema_conflict(requires_id, closed) is not None
    assert schema_conflict({"type": "string"}, {"type": "object"}) is not None
    assert schema_conflict(string_id, {"type": "object"}) is None
