from motia import (
    ApiRequest,
    ApiResponse,
    StateTriggerInput,
    StreamTriggerInput,
    cron,
    http,
    queue,
    state,
    stream,
)

from tickets.models import NotFound, Ticket, TicketPatch

config = {
    "name": "TicketHub",
    "description": "one handler for the API, reopened tickets, a sweep, state and stream changes",
    "triggers": [
        http("PATCH", "/tickets/:ticketId", body_schema=TicketPatch, response_schema={200: Ticket, 404: NotFound}),
        queue("ticket.reopened", input=Ticket),
        cron("*/15 * * * *"),
        state(),
        stream("tickets"),
    ],
    "enqueues": ["ticket.updated"],
}


async def handler(input, ctx):
    ctx.logger.info("called", {"path": input.path_params})  # expect: MG300
    if isinstance(input, ApiRequest):
        ticket_id = input.path_params["id"]  # expect: MG300
        ticket = await ctx.streams.tickets.get("all", ticket_id)
        if ticket is None:
            return ApiResponse(status=410, body={"error": f"no ticket {ticket_id}"})  # expect: MG300
        patch = input.body
        if patch.get("status") is not None:
            ticket["status"] = patch.get("status") or ticket["status"]
        if patch["owner"] is not None:  # expect: MG300
            ticket["assignee"] = patch.get("assignee")
        await ctx.streams.tickets.set("all", ticket_id, ticket)
        await ctx.enqueue({"topic": "ticket.updated", "data": ticket})
        return ApiResponse(status=200, body={"id": ticket_id, "status": "open"})  # expect: MG300
    if input is None:
        ctx.logger.info("sweep", {"trigger": ctx.trigger.expression if ctx.trigger else None})
        return None
    if isinstance(input, StateTriggerInput | StreamTriggerInput):
        ctx.logger.info("changed", {"kind": input.type, "group": input.group_id})
        return None
    if ctx.trigger is not None and ctx.trigger.type == "queue":
        ctx.logger.info("reopened", {"ticket": input["id"]})
        await ctx.enqueue({"topic": "ticket.updated", "data": {**input, "status": "open"}})
    return None
