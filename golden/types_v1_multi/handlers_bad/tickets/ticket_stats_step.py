from motia import cron, http

from motia_types.steps.ticket_stats import Context, Input, Request, Response

OPEN_COUNT = {"type": "object", "properties": {"open": {"type": "integer"}}, "required": ["open"]}

config = {
    "name": "TicketStats",
    "triggers": [http("GET", "/tickets/stats", response_schema={200: OPEN_COUNT}), cron("0 * * * *")],
}


async def handler(input: Input, ctx: Context) -> Response | None:
    async def on_request(req: Request) -> Response:
        tickets = await ctx.streams.tickets.get_group("all")
        return {"status": 200, "body": {"open": [t for t in tickets if t["status"] == "open"]}}  # expect: MG300

    async def on_schedule() -> None:
        ctx.logger.info("stats refreshed")

    # ctx.match returns what the chosen branch returns, typed Any: name the type once here.
    result: Response | None = await ctx.match({"http": on_request, "cron": on_schedule})
    await ctx.streams.ticket.set("all", "stats", {"open": 0})  # expect: MG300
    return result
