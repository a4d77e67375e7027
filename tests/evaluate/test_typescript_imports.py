"""Names a TS/JS config imports from the project's own modules: followed through relative specifiers,
TS's `.js` ESM style, folder `index` files and re-exports; cycles, packages and paths out of the app stay
unknown; every file looked at is recorded for the cache."""

from __future__ import annotations

from pathlib import Path

from motia_gen import model
from motia_gen.frontend import Overrides, validate_app
from motia_gen.model.foreign import read_foreign

FILES = {
    "src/todo/schemas.ts": """\
import { z } from 'zod'
export const TodoSchema = z.object({ id: z.string(), title: z.string().min(1) })
export const TOPICS = { created: 'todo.created', deleted: 'todo.deleted' } as const
""",
    "src/shared/index.ts": "export * from './flows'\nexport { LOOP as Loop } from './loop'\n",
    "src/shared/flows.ts": "export const FLOW = 'todos'\n",
    "src/shared/loop.ts": "import { Loop } from './index'\nexport const LOOP = Loop\n",
}

STEP = """\
import { z } from 'zod'
import { TodoSchema, TOPICS } from './schemas.js'
import { FLOW, Loop } from '../shared'
import { Secret } from '../../../outside'
import { Thing } from 'some-package'

export const config = {
  type: 'api',
  name: 'CreateTodo',
  path: '/todos',
  method: 'POST',
  emits: [TOPICS.created],
  flows: [FLOW],
  bodySchema: TodoSchema,
  responseSchema: { 201: TodoSchema, 500: Secret, 502: Thing, 503: Loop },
}
"""


def test_imported_constants_and_zod_schemas_are_followed() -> None:
    def read(path: str) -> bytes | None:
        text = FILES.get(path)
        return None if text is None else text.encode()

    unit = read_foreign("src/todo/create-todo.step.ts", STEP.encode(), "step", read)
    assert unit.diagnostics == ()
    [step] = unit.steps
    assert ([e.topic for e in step.emits], step.flows) == (["todo.created"], ("todos",))
    [trigger] = step.triggers
    assert isinstance(trigger, model.HttpTrigger)
    assert trigger.body_schema is not None
    assert trigger.body_schema.json["required"] == ["id", "title"]
    assert trigger.body_schema.span.file == "src/todo/schemas.ts"  # where the schema is written
    schemas = {r.status: r.schema.json for r in trigger.response_schema}
    assert schemas[201] == trigger.body_schema.json
    assert schemas[500] == schemas[502] == schemas[503] == {}  # out of the app, a package, a cycle
    assert "src/todo/schemas.ts" in unit.files
    assert {"src/shared/index.ts", "src/shared/flows.ts", "src/shared/loop.ts"} <= set(unit.files)
    assert not any(f.startswith("..") or "outside" in f for f in unit.files)
    assert read_foreign("src/todo/create-todo.step.ts", STEP.encode(), "step").steps[0].flows == ()


def test_an_edit_to_an_imported_module_is_seen_through_the_cache(tmp_path: Path) -> None:
    for relative, text in {**FILES, "src/todo/create-todo.step.ts": STEP}.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")

    def required() -> list[str]:
        [step] = validate_app(tmp_path, Overrides()).app.steps
        [trigger] = step.triggers
        assert isinstance(trigger, model.HttpTrigger)
        assert trigger.body_schema is not None
        return list(trigger.body_schema.json["required"])

    assert required() == ["id", "title"]
    schemas = tmp_path / "src/todo/schemas.ts"
    schemas.write_text(
        schemas.read_text().replace("title: z.string().min(1)", "title: z.string().optional()")
    )
    assert required() == ["id"]


def test_long_and_circular_import_chains_end_as_unknown() -> None:
    """Hostile input: a re-export chain of a thousand modules, and modules importing each other."""
    chain = {f"src/m{i}.ts": f"export * from './m{i + 1}'\n" for i in range(1000)}
    chain["src/a.ts"] = "import { B } from './b'\nexport const A = B\n"
    chain["src/b.ts"] = "import { A } from './a'\nexport const B = A\n"
    step = (
        "import { deep } from './m0'\nimport { A } from './a'\n"
        "export const config = { type: 'event', name: 'S', subscribes: ['t'], emits: [], input: deep, "
        "flows: [A] }\n"
    )

    def read(path: str) -> bytes | None:
        text = chain.get(path)
        return None if text is None else text.encode()

    unit = read_foreign("src/s.step.ts", step.encode(), "step", read)
    [trigger] = unit.steps[0].triggers
    assert isinstance(trigger, model.QueueTrigger)
    assert trigger.input is not None
    assert trigger.input.json == {}
    assert len(unit.files) < 200  # the chain was given up on, not walked to its end


def test_an_imported_zod_schema_inside_another_schema_is_followed() -> None:
    """As Motia's todo example writes a list response: `z.array(todoSchema)` of an imported schema, and
    `.optional()` on one, even in a file that does not import zod itself."""
    files = {
        "src/schemas.ts": "import { z } from 'zod'\n"
        "export const todoSchema = z.object({ id: z.string() })\n"
        "export const noteSchema = z.string().optional()\n",
        "src/list.step.ts": "import { z } from 'zod'\nimport { todoSchema, noteSchema } from './schemas'\n"
        "export const config = { type: 'api', name: 'List', path: '/todos', method: 'GET', emits: [],\n"
        "  responseSchema: { 200: z.object({ todos: z.array(todoSchema), note: noteSchema }) } }\n",
        "src/one.step.ts": "import { todoSchema } from './schemas'\n"
        "export const config = { type: 'api', name: 'One', path: '/one', method: 'POST', emits: [],\n"
        "  bodySchema: todoSchema.optional() }\n",
    }

    def read(path: str) -> bytes | None:
        text = files.get(path)
        return None if text is None else text.encode()

    todo = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    todo["additionalProperties"] = False
    listed = read_foreign("src/list.step.ts", files["src/list.step.ts"].encode(), "step", read)
    [trigger] = listed.steps[0].triggers
    assert isinstance(trigger, model.HttpTrigger)
    [response] = trigger.response_schema
    assert response.schema.json["properties"]["todos"] == {"type": "array", "items": todo}
    assert response.schema.json["required"] == ["todos"]  # the imported optional schema stays optional
    one = read_foreign("src/one.step.ts", files["src/one.step.ts"].encode(), "step", read)
    [trigger] = one.steps[0].triggers
    assert isinstance(trigger, model.HttpTrigger)
    assert trigger.body_schema is not None
    assert trigger.body_schema.json == todo
