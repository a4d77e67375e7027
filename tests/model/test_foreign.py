"""TS/JS step and stream files read into the app model by the Python config readers: classic and 1.x
configs, zod schemas, conditions written as arrow functions (no false errors), and clear diagnostics for
what cannot be read."""

from __future__ import annotations

from motia_gen import model
from motia_gen.model.foreign import ForeignUnit, read_foreign

API = """\
import { z } from 'zod'
export const config = {
  name: 'CreateOrder',
  flows: ['orders'],
  triggers: [{ type: 'http', method: 'POST', path: '/orders',
               bodySchema: z.object({ item: z.string(), qty: z.number().int().min(1) }) }],
  enqueues: [{ topic: 'order.created', label: 'Created' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { enqueue }) => { }
"""

CLASSIC = """\
export const config = {
  type: 'event',
  name: 'Notify',
  subscribes: ['order.created'],
  emits: [],
  input: z.object({ item: z.string() }),
  flows: ['orders'],
}
import { z } from 'zod'
"""

CONDITIONED = """\
export const config = {
  name: 'BigOrders',
  triggers: [{ type: 'queue', topic: 'order.created', condition: (input) => input.qty > 10 }],
  enqueues: [],
}
"""


def test_a_1x_api_step_with_a_zod_body() -> None:
    unit = read_foreign("steps/create.step.ts", API.encode(), "step")
    assert unit.diagnostics == ()
    [step] = unit.steps
    assert (step.name, step.language, step.handler, step.module, step.flows) == (
        "CreateOrder", "typescript", None, None, ("orders",)
    )  # fmt: skip
    [trigger] = step.triggers
    assert isinstance(trigger, model.HttpTrigger)
    assert (trigger.method, trigger.path) == ("POST", "/orders")
    assert trigger.body_schema is not None
    assert trigger.body_schema.json["properties"]["qty"] == {"type": "integer", "minimum": 1}
    assert [(e.topic, e.label) for e in step.emits] == [("order.created", "Created")]


def test_a_classic_event_step_in_javascript() -> None:
    unit = read_foreign("steps/notify.step.js", CLASSIC.encode(), "step")
    [step] = unit.steps
    assert step.language == "javascript"
    [trigger] = step.triggers
    assert isinstance(trigger, model.QueueTrigger)
    assert trigger.topic == "order.created"
    assert trigger.input is not None
    assert trigger.input.json["required"] == ["item"]


def test_a_condition_written_as_an_arrow_function_is_no_error() -> None:
    unit = read_foreign("steps/big.step.ts", CONDITIONED.encode(), "step")
    assert [d.code for d in unit.diagnostics if d.severity.name == "ERROR"] == []
    assert [t.topic for t in unit.steps[0].triggers if isinstance(t, model.QueueTrigger)] == ["order.created"]


def test_a_stream_with_a_zod_schema() -> None:
    text = (
        "import { z } from 'zod'\nexport const config = {name: 'orders', schema: z.object({id: z.string()})}"
    )
    unit = read_foreign("steps/orders.stream.ts", text.encode() + b"\n", "stream")
    [stream] = unit.streams
    assert (stream.name, stream.language) == ("orders", "typescript")
    assert stream.schema is not None
    assert stream.schema.json["properties"] == {"id": {"type": "string"}}


def test_what_cannot_be_read_is_reported_at_its_place() -> None:
    broken = read_foreign("steps/x.step.ts", b"export const config = { name: 'X', \n", "step")
    assert [d.code for d in broken.diagnostics][:1] == ["MG101"]
    assert broken.diagnostics[0].span.line >= 1
    missing = read_foreign("steps/y.step.ts", b"export const handler = () => {}\n", "step")
    assert [d.code for d in missing.diagnostics] == ["MG103"]
    computed = read_foreign("steps/z.step.ts", b"export const config = makeConfig()\n", "step")
    assert [d.code for d in computed.diagnostics] == ["MG105"]
    nameless = read_foreign("steps/s.stream.ts", b"export const config = { schema: {} }\n", "stream")
    assert [d.code for d in nameless.diagnostics] == ["MG211"]
    assert nameless.streams == ()


COMMONJS_API = """\
const { z } = require('zod')

exports.config = {
  name: 'SendMessage',
  type: 'api',
  path: '/messages',
  method: 'POST',
  emits: ['message.sent'],
  bodySchema: z.object({ text: z.string(), userId: z.string() }),
  flows: ['messaging'],
}

exports.handler = async (req, { emit }) => ({ status: 201, body: req.body })
"""


def test_commonjs_exports_as_motia_docs_write_them() -> None:
    unit = read_foreign("steps/api.step.js", COMMONJS_API.encode(), "step")
    assert unit.diagnostics == ()
    [step] = unit.steps
    [trigger] = step.triggers
    assert isinstance(trigger, model.HttpTrigger)
    assert trigger.body_schema is not None
    assert trigger.body_schema.json["required"] == ["text", "userId"]
    assert trigger.body_schema.model is None  # named after its place, like a dict schema
    named = "const config = { name: 'A', type: 'event', subscribes: ['x'], emits: [] }\n"
    for tail in ("module.exports = { config, handler }\n", "module.exports.config = config\n"):
        unit = read_foreign("steps/a.step.js", (named + tail).encode(), "step")
        assert (unit.diagnostics, [s.name for s in unit.steps]) == ((), ["A"])
    inline = "module.exports = { 'config': { name: 'B', type: 'event', subscribes: ['x'], emits: [] } }\n"
    assert [s.name for s in read_foreign("steps/b.step.js", inline.encode(), "step").steps] == ["B"]
    elsewhere = "module.exports = { handler }\nexports.other = { name: 'C' }\n"
    unit = read_foreign("steps/c.step.js", elsewhere.encode(), "step")
    assert [d.code for d in unit.diagnostics] == ["MG103"]


UI_OVERRIDE = """\
/**
 * UI Override for Design Planner Event Step
 */
import { EventNode, EventNodeProps } from 'motia/workbench'
import React from 'react'

export const Node: React.FC<EventNodeProps> = (props) => {
  return (
    <EventNode {...props}>
      <div className="flex items-start gap-3 p-3">Design Planner</div>
    </EventNode>
  )
}
"""


def test_a_workbench_ui_override_is_no_step_and_no_error() -> None:
    """`*.step.tsx` beside a step in Motia's examples: a React component for the Workbench node."""
    unit = read_foreign("steps/design_planner.step.tsx", UI_OVERRIDE.encode(), "step")
    assert unit == ForeignUnit((), (), ())
    plain = read_foreign("steps/helper.step.ts", b"export const other = 1\n", "step")
    assert [d.code for d in plain.diagnostics] == ["MG103"]  # no config and no UI: still reported


IMPORTED_SCHEMAS = """\
import { ApiRouteConfig } from 'motia'
import { CreateTodoSchema, TodoSchema } from './schemas'

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'CreateTodo',
  path: '/todos',
  method: 'POST',
  emits: ['todo.created'],
  bodySchema: CreateTodoSchema,
  responseSchema: { 201: TodoSchema, 400: z.object({ error: z.string() }) },
}
"""


def test_schemas_imported_from_other_files_are_unknown_not_errors() -> None:
    """As Motia's examples write them (a `schemas.ts` beside the steps): open schemas, no diagnostic."""
    unit = read_foreign("src/todo/create-todo.step.ts", IMPORTED_SCHEMAS.encode(), "step")
    assert unit.diagnostics == ()
    [trigger] = unit.steps[0].triggers
    assert isinstance(trigger, model.HttpTrigger)
    assert trigger.body_schema is not None
    assert trigger.body_schema.json == {}
    assert [(r.status, r.schema.json) for r in trigger.response_schema] == [(201, {}), (400, {})]
    react = "import React from 'react'\nexport default function Review() { return <div>review</div> }\n"
    assert read_foreign("steps/human-review.step.tsx", react.encode(), "step") == ForeignUnit((), (), ())
