"""TS/JS step configs read statically: tree-sitter parses, the literal evaluator makes the same values
as the Python readers (with spans in characters), and no input makes it fail."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from motia_gen.evaluate.typescript.literals import config_value
from motia_gen.evaluate.typescript.syntax import parse
from motia_gen.evaluate.values import VDict, VScalar, VUnknown, to_json

# Written as Motia's own TypeScript examples write steps (the playground's basic tutorial).
API_STEP = """\
import { enqueue, type Handlers, type StepConfig } from 'motia'
import { z } from 'zod'
import { petSchema } from './services/types'

export const config = {
  name: 'ApiTrigger',
  description: 'basic-tutorial api trigger',
  flows: ['basic-tutorial'],
  triggers: [
    {
      type: 'http',
      method: 'POST',
      path: '/basic-tutorial',
      bodySchema: z.object({ pet: z.object({ name: z.string() }) }),
      responseSchema: { 200: petSchema },
    },
  ],
  enqueues: ['process-food-order'],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async ({ request }, { logger }) => {
  await enqueue({ topic: 'process-food-order', data: request.body })
}
"""


def evaluate(text: str, path: str = "steps/a.step.ts") -> object:
    value = config_value(parse(path, text.encode()))
    return None if value is None else to_json(value)


def test_a_motia_api_step_reads_into_plain_values() -> None:
    assert evaluate(API_STEP) == {
        "name": "ApiTrigger",
        "description": "basic-tutorial api trigger",
        "flows": ["basic-tutorial"],
        "triggers": [
            {
                "type": "http",
                "method": "POST",
                "path": "/basic-tutorial",
                "bodySchema": {
                    "type": "object",
                    "properties": {
                        "pet": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}},
                            "required": ["name"],
                            "additionalProperties": False,
                        }
                    },
                    "required": ["pet"],
                    "additionalProperties": False,
                },
                "responseSchema": {"200": None},  # imported from another module: unknown, not an error
            }
        ],
        "enqueues": ["process-food-order"],
    }


def test_constants_spreads_templates_and_numbers() -> None:
    text = """
const PREFIX = 'orders'
const base = { flows: [PREFIX], emits: [`${PREFIX}.created`] } as const
const extra = ['audit']
export const config = {
  ...base,
  type: 'event',
  name: `Handle${'Order'}`,
  subscribes: [...extra, "a\\u0062c\\n"],
  retries: -3, mask: 0x1F, ratio: 1.5, big: 1_000, 'quoted-key': true, nothing: null, gone: undefined,
  flows: ['override'],
}
"""
    assert evaluate(text) == {
        "emits": ["orders.created"],
        "type": "event",
        "name": "HandleOrder",
        "subscribes": ["audit", "abc\n"],
        "retries": -3,
        "mask": 31,
        "ratio": 1.5,
        "big": 1000,
        "quoted-key": True,
        "nothing": None,
        "gone": None,
        "flows": ["override"],
    }


def test_what_is_not_data_is_unknown_at_its_place() -> None:
    text = "const a = b\nconst b = a\nexport const config = { x: a, y: compute(), [k]: 1 }\n"
    value = config_value(parse("s.step.ts", text.encode()))
    assert isinstance(value, VUnknown)  # a computed key: the object is not data
    text = "const a = b\nconst b = a\nexport const config = { x: a, y: compute() }\n"
    value = config_value(parse("s.step.ts", text.encode()))
    assert isinstance(value, VDict)
    x, y = value.get("x"), value.get("y")
    assert isinstance(x, VUnknown)  # a cycle of names
    assert isinstance(y, VUnknown)
    assert (y.span.line, y.span.column, y.span.end_column) == (3, 34, 43)


def test_spans_count_characters_and_lines_from_one() -> None:
    text = "export const config = { description: 'ünïcödé', name: 'N' }\n"
    value = config_value(parse("s.step.ts", text.encode()))
    assert isinstance(value, VDict)
    name = value.get("name")
    assert isinstance(name, VScalar)
    assert name.value == "N"
    assert (name.span.file, name.span.line, name.span.column) == ("s.step.ts", 1, text.index("'N'") + 1)
    assert text[name.span.column - 1 :].startswith("'N'")


def test_javascript_and_export_lists_and_files_without_a_config() -> None:
    js = "const config = { name: 'Js', type: 'noop' }\nmodule.exports = {}\nexport { config }\n"
    assert evaluate(js, "steps/a.step.js") == {"name": "Js", "type": "noop"}
    assert evaluate("export const handler = () => {}\n") is None
    assert evaluate("export const config: StepConfig = { name: 'Typed' }\n") == {"name": "Typed"}


def test_syntax_errors_are_found_with_positions() -> None:
    source = parse("s.step.ts", b"export const config = { name: 'x', \n")
    errors = source.errors()
    assert errors
    assert source.span(errors[0]).line >= 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_fail(data: bytes) -> None:
    source = parse("f.step.ts", data)
    config_value(source)
    for node in source.errors():
        source.span(node)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(API_STEP)))
def test_truncated_steps_never_fail(cut: int) -> None:
    source = parse("f.step.ts", API_STEP[:cut].encode())
    config_value(source)
    for node in source.errors():
        span = source.span(node)
        assert span.line >= 1
        assert span.column >= 1


def test_deep_nesting_is_unknown_not_a_crash() -> None:
    text = "export const config = " + "[" * 5000 + "]" * 5000 + "\n"
    config_value(parse("deep.step.ts", text.encode()))


ZOD = """\
import * as zz from 'zod'
const Item = zz.object({
  sku: zz.string().min(1).describe('Stock keeping unit'),
  qty: zz.number().int().positive(),
})
export const config = {
  body: zz.object({
    email: zz.string().email(),
    id: zz.string().uuid().optional(),
    tags: zz.array(zz.string()).max(10).nonempty(),
    items: zz.array(Item),
    status: zz.enum(['new', 'paid']),
    kind: zz.literal('order'),
    note: zz.string().nullable(),
    either: zz.union([zz.string(), zz.number()]),
    choice: zz.union([zz.literal('a'), zz.literal('b')]),
    mixed: zz.union([zz.string().email(), zz.number()]),
    meta: zz.record(zz.string(), zz.any()).optional(),
    code: zz.string().regex(/^[A-Z]{3}$/),
    when: zz.string().datetime(),
    retries: zz.number().min(0).max(5).default(3),
  }),
  custom: zz.string().transform((s) => s.length),
  other: notZod.object({}),
}
"""


def test_zod_schemas_translate_as_zod_to_json_schema_writes_them() -> None:
    value = evaluate(ZOD)
    assert isinstance(value, dict)
    body = value["body"]
    assert body["type"] == "object"
    assert body["additionalProperties"] is False
    assert body["required"] == [
        "email", "tags", "items", "status", "kind", "note", "either", "choice", "mixed", "code", "when"
    ]  # fmt: skip
    props = body["properties"]
    assert props["email"] == {"type": "string", "format": "email"}
    assert props["id"] == {"type": "string", "format": "uuid"}
    assert props["tags"] == {"type": "array", "items": {"type": "string"}, "maxItems": 10, "minItems": 1}
    assert props["items"]["items"] == {
        "type": "object",
        "properties": {
            "sku": {"type": "string", "minLength": 1, "description": "Stock keeping unit"},
            "qty": {"type": "integer", "exclusiveMinimum": 0},
        },
        "required": ["sku", "qty"],
        "additionalProperties": False,
    }
    assert props["status"] == {"type": "string", "enum": ["new", "paid"]}
    assert props["kind"] == {"type": "string", "const": "order"}
    assert props["note"] == {"type": ["string", "null"]}
    assert props["either"] == {"type": ["string", "number"]}
    assert props["choice"] == {"type": "string", "enum": ["a", "b"]}
    assert props["mixed"] == {"anyOf": [{"type": "string", "format": "email"}, {"type": "number"}]}
    assert props["meta"] == {"type": "object", "additionalProperties": {}}
    assert props["code"] == {"type": "string", "pattern": "^[A-Z]{3}$"}
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["retries"] == {"type": "number", "minimum": 0, "maximum": 5, "default": 3}
    assert value["custom"] is None  # a transform: an unknown schema, not an error
    assert value["other"] is None  # not zod's `z`
