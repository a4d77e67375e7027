"""TypeScript step files for the compile benchmark's mixed apps: the same steps as the Python ones of
`bench/compile.py` (same names, topics, routes, flows and schemas), written the way Motia's TypeScript
docs write them: zod schemas in local consts, classic configs (`type: 'event'`, `subscribes`) or 1.x
`triggers`, `as const`, and a handler the compiler never reads."""

from __future__ import annotations

from typing import Any

KIND = {"http": "api", "cron": "cron", "queue": "event"}


def render_ts_step(plan: Any) -> str:
    """A `.step.ts` file for `plan` (a `compile.StepPlan`)."""
    m = plan.models
    lines = [
        "import { z } from 'zod'",
        "",
        f"const FLOW = 'flow-{plan.group:02d}'",
        *([f"const TOPIC = '{plan.topic}'"] if plan.emits else []),
        "",
        f"const {_camel(m.nested)} = z.object({{",
        "  city: z.string().min(1).max(80),",
        "  postcode: z.string().max(12).nullable().optional(),",
        "})",
        "",
        f"const {_camel(m.main)} = z.object({{",
        f"  id: z.string().min(1).describe('The {m.entity.lower()} id'),",
        f"  quantity: z.number().int().min(1).max({100 + m.index}),",
        "  tags: z.array(z.string()).default([]),",
        f"  address: {_camel(m.nested)},",
        "  note: z.string().nullable().optional(),",
        "})",
        "",
        f"const {_camel(m.result)} = z.object({{",
        "  id: z.string(),",
        "  total: z.number().min(0).describe('The computed total'),",
        "  status: z.string().regex(/^[a-z]+$/).default('ok'),",
        "})",
        "",
        "export const config = {",
        *(f"  {line}" for line in (_classic(plan) if plan.form == "classic" else _v1(plan))),
        "} as const",
        "",
        *_handler(plan),
    ]
    return "\n".join(lines) + "\n"


def _camel(name: str) -> str:
    return name[0].lower() + name[1:] + "Schema"


def _classic(plan: Any) -> list[str]:
    m = plan.models
    lines = [f"type: '{KIND[plan.trigger]}',", f"name: '{plan.name}',", f"description: '{plan.description}',"]
    if plan.trigger == "http":
        lines += [f"path: '{plan.route}',", "method: 'POST',", f"bodySchema: {_camel(m.main)},"]
        lines.append(f"responseSchema: {{ 200: {_camel(m.result)} }},")
    elif plan.trigger == "cron":
        lines.append(f"cron: '{plan.index % 60} {plan.index % 24} * * *',")
    else:
        lines += [f"subscribes: ['{plan.subscribes}'],", f"input: {_camel(m.main)},"]
        lines.append(
            "infrastructure: { handler: { timeout: 30 }, queue: { type: 'standard', maxRetries: 3 } },"
        )
    return [*lines, f"emits: {'[TOPIC]' if plan.emits else '[]'},", "flows: [FLOW],"]


def _v1(plan: Any) -> list[str]:
    m = plan.models
    if plan.trigger == "http":
        trigger = (
            f"{{ type: 'http', method: 'POST', path: '{plan.route}', bodySchema: {_camel(m.main)}, "
            f"responseSchema: {{ 200: {_camel(m.result)} }} }}"
        )
    elif plan.trigger == "cron":
        trigger = f"{{ type: 'cron', expression: '{plan.index % 60} */6 * * *' }}"
    else:
        trigger = f"{{ type: 'queue', topic: '{plan.subscribes}', input: {_camel(m.main)} }}"
    return [
        f"name: '{plan.name}',",
        f"description: '{plan.description}',",
        f"triggers: [{trigger}],",
        f"enqueues: {'[TOPIC]' if plan.emits else '[]'},",
        "flows: [FLOW],",
    ]


def _handler(plan: Any) -> list[str]:
    send = "emit" if plan.form == "classic" else "enqueue"
    lines = [f"export const handler = async (input: any, {{ {send}, logger, state }}: any) => {{"]
    lines.append("  const id = input?.pathParams?.id ?? input?.id ?? 'cron'")
    lines.append(f"  await state.set('g{plan.group:02d}', id, {{ id, total: 1.25 }})")
    lines.append(f"  logger.info('{plan.name} handled', {{ id }})")
    if plan.emits:
        data = f"{{ id, quantity: 1, address: {{ city: '{plan.city}' }} }}"
        lines.append(f"  await {send}({{ topic: TOPIC, data: {data} }})")
    if plan.trigger == "http":
        lines.append("  return { status: 200, body: { id, total: 1.25 } }")
    return [*lines, "}"]
