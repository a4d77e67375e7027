from motia import api, cron

config = {
    "name": "OrdersReport",
    "description": "Daily, and on demand",
    "triggers": [
        cron("0 0 9 * * *"),
        api(
            "GET",
            "/orders/report",
            response_schema={200: {"type": "object", "properties": {"count": {"type": "integer"}}}},
        ),
    ],
    "enqueues": [],
    "flows": ["orders"],
}


async def handler(input, ctx):
    orders = await ctx.state.get_group("orders")
    summary = {"count": len(orders)}
    if ctx.trigger.type == "http":
        return {"status": 200, "body": summary}
    ctx.logger.info("report", summary)
