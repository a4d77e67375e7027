"""A topic used on one side only that nearly matches a topic of the other side is an error (MG232) with
both places named, once per typo; with no near miss it stays MG204/MG205."""

from __future__ import annotations

from pathlib import Path

from motia_gen.frontend import Overrides, validate_app


def _step(name: str, subscribes: str | None, emits: str | None) -> str:
    triggers = f'[queue("{subscribes}")]' if subscribes else f'[http("POST", "/{name.lower()}")]'
    enqueues = f'["{emits}"]' if emits else "[]"
    body = f'    enqueue({{"topic": "{emits}", "data": {{}}}})\n' if emits else "    pass\n"
    return (
        "from motia import enqueue, http, queue\n\n"
        f'config = {{"name": "{name}", "triggers": {triggers}, "enqueues": {enqueues}}}\n\n\n'
        f"def handler(input):\n{body}"
    )


def _problems(tmp_path: Path, steps: dict[str, tuple[str | None, str | None]]) -> list[tuple[str, str, int]]:
    (tmp_path / "steps").mkdir()
    for name, (subscribes, emits) in steps.items():
        (tmp_path / "steps" / f"{name.lower()}_step.py").write_text(_step(name, subscribes, emits))
    front = validate_app(tmp_path, Overrides(use_cache=False))
    return [(d.code, d.span.file, len(d.related)) for d in front.diagnostics]


def test_a_misspelt_subscription_is_one_error_naming_both_places(tmp_path: Path) -> None:
    found = _problems(tmp_path, {"Create": (None, "order.created"), "Ship": ("order.craeted", None)})
    assert found == [("MG232", "steps/ship_step.py", 1)]


def test_a_misspelt_emit_is_an_error_at_the_emit(tmp_path: Path) -> None:
    steps = {
        "Create": (None, "order.shiped"),
        "Other": (None, "order.shipped"),
        "Ship": ("order.shipped", None),
    }
    assert _problems(tmp_path, steps) == [("MG232", "steps/create_step.py", 1)]


def test_without_a_near_miss_dangling_topics_are_warnings(tmp_path: Path) -> None:
    found = _problems(tmp_path, {"Create": (None, "report.ready"), "Ship": ("inbox.scanned", None)})
    assert sorted(code for code, _, _ in found) == ["MG204", "MG205"]


def test_every_dangling_emit_is_reported_when_two_are_near_one_subscription(tmp_path: Path) -> None:
    steps = {"A": (None, "order.create"), "B": (None, "order.creatd"), "Ship": ("order.created", None)}
    found = _problems(tmp_path, steps)
    assert sorted(code for code, _, _ in found) == ["MG232", "MG232"]
    reported = {file for _, file, _ in found}
    assert "steps/ship_step.py" in reported  # the subscription names its nearest emit
    assert reported & {"steps/a_step.py", "steps/b_step.py"}  # the other emit is not left silent


def test_a_near_miss_of_a_flowing_topic_is_an_error_only_when_misspelt(tmp_path: Path) -> None:
    """`gmail.email.replied` next to `gmail.email.received` (emitted and subscribed): a word swapped on
    purpose, as in Motia's own examples, gets a hint, not an error."""
    steps = {
        "Webhook": (None, "gmail.email.received"),
        "Fetch": ("gmail.email.received", None),
        "Reply": (None, "gmail.email.replied"),
        "Audit": ("gmail.email.receieved", None),
    }
    found = _problems(tmp_path, steps)
    assert sorted((code, file) for code, file, _ in found) == [
        ("MG204", "steps/reply_step.py"),
        ("MG232", "steps/audit_step.py"),
    ]
