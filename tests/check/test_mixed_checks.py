"""Whole-app checks across languages: a Python step's payload against a TS subscriber's zod input (zod
strips unknown keys, so an extra key is no error; a wrong type or a missing key is), and a topic typo
found across languages."""

from __future__ import annotations

from pathlib import Path

from motia_gen.frontend import Overrides, validate_app

NOTIFY_TS = """\
import { z } from 'zod'
export const config = {
  type: 'event',
  name: 'Notify',
  subscribes: ['order.paid'],
  input: z.object({ orderId: z.string(), amount: z.number().int() }),
  emits: [],
}
export const handler = async () => {}
"""

PAY_PY = """\
config = {"type": "event", "name": "Pay", "subscribes": ["order.placed"], "emits": ["order.paid"]}


async def handler(input, context):
    await context.emit({"topic": "order.paid", "data": {DATA}})
"""

PLACE_TS = """\
export const config = { type: 'api', name: 'Place', path: '/orders', method: 'POST', emits: ['order.placed'] }
export const handler = async () => ({ status: 202 })
"""


def _problems(tmp_path: Path, data: str) -> list[tuple[str, str, str]]:
    steps = tmp_path / "steps"
    steps.mkdir(exist_ok=True)
    (steps / "notify.step.ts").write_text(NOTIFY_TS)
    (steps / "place.step.ts").write_text(PLACE_TS)
    (steps / "pay_step.py").write_text(PAY_PY.replace("{DATA}", data))
    found = validate_app(tmp_path, Overrides(use_cache=False)).diagnostics
    return [(d.code, d.span.file, d.message) for d in found]


def test_extra_keys_for_a_zod_input_are_stripped_not_refused(tmp_path: Path) -> None:
    assert _problems(tmp_path, '{"orderId": "o1", "amount": 3, "labelIds": []}') == []


def test_wrong_and_missing_keys_for_a_zod_input_are_errors(tmp_path: Path) -> None:
    found = _problems(tmp_path, '{"orderId": "o1", "amount": 2.5}')
    assert [(code, file) for code, file, _ in found] == [("MG208", "steps/pay_step.py")]
    assert "Notify's input: 'amount'" in found[0][2]
    found = _problems(tmp_path, '{"amount": 2}')
    missing = "the payload has no 'orderId', which is required"
    assert [message for _, _, message in found] == [
        f"payload for 'order.paid' does not match Notify's input: {missing}"
    ]


def test_a_topic_typo_across_languages_names_both_places(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "later.step.js").write_text(
        "exports.config = { type: 'event', name: 'Later', subscribes: ['order.payed'], emits: [] }\n"
    )
    found = _problems(tmp_path, '{"orderId": "o1", "amount": 3}')
    assert [(code, file) for code, file, _ in found] == [("MG232", "steps/later.step.js")]
    assert "Pay emits 'order.paid'" in found[0][2]


def test_a_zod_input_narrower_than_a_python_one_on_the_same_topic_is_no_conflict(tmp_path: Path) -> None:
    """A TS subscriber reading only some keys of a topic a Python step also takes whole (zod strips the
    rest); a real disagreement on a key's type still conflicts."""
    steps = tmp_path / "steps"
    steps.mkdir()
    (steps / "place.step.ts").write_text(PLACE_TS)
    (steps / "reserve_step.py").write_text(
        'config = {"type": "event", "name": "Reserve", "subscribes": ["order.placed"], "emits": [],\n'
        '  "input": {"type": "object", "properties": {"orderId": {"type": "string"}, "customerId": '
        '{"type": "string"}}, "required": ["orderId", "customerId"], "additionalProperties": False}}\n\n\n'
        "async def handler(input, context):\n    pass\n"
    )
    notify = "export const config = { type: 'event', name: 'Mail', subscribes: ['order.placed'], emits: [],\n"
    (steps / "mail.step.ts").write_text(
        notify + "  input: z.object({ orderId: z.string() }) }\nimport { z } from 'zod'\n"
    )
    assert validate_app(tmp_path, Overrides(use_cache=False)).diagnostics == ()
    (steps / "mail.step.ts").write_text(
        notify + "  input: z.object({ orderId: z.number() }) }\nimport { z } from 'zod'\n"
    )
    found = validate_app(tmp_path, Overrides(use_cache=False)).diagnostics
    assert [d.code for d in found] == ["MG207"]


def test_an_ignore_comment_in_a_typescript_file_silences_its_line(tmp_path: Path) -> None:
    steps = tmp_path / "steps"
    steps.mkdir()
    emits = "emits: ['order.audited'], // motia: ignore[MG204]\n"
    config = "export const config = { type: 'api', name: 'A', path: '/a', method: 'POST',\n  "
    (steps / "a.step.ts").write_text(config + emits + "}\n")
    assert validate_app(tmp_path, Overrides(use_cache=False)).diagnostics == ()
    (steps / "a.step.ts").write_text(config + emits.replace(" // motia: ignore[MG204]", "") + "}\n")
    found = validate_app(tmp_path, Overrides(use_cache=False)).diagnostics
    assert [(d.code, d.span.line) for d in found] == [("MG204", 2)]
