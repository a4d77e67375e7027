from motia import stream

config = {
    "name": "WatchOrders",
    "triggers": [
        stream("orders", group_id="all"),
        stream("order"),  # expect: MG252
    ],
}


async def handler(input, ctx):
    ctx.logger.info("order changed", {"id": input.id})
