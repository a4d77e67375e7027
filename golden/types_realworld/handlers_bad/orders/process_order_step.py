from services.pricing import sheet_client

config = {
    "type": "event",
    "name": "ProcessOrder",
    "subscribes": ["order.created"],
    "emits": ["order.processed"],
    "flows": ["orders"],
    "input": {
        "type": "object",
        "properties": {"orderId": {"type": "string"}, "email": {"type": "string"}, "total": {"type": "string"}},
        "required": ["orderId", "email"],
    },
}


async def handler(input, context):
    client = sheet_client("key")
    context.logger.info("processing", {"orderId": input["orderId"], "client": str(client)})
    await context.state.set("orders", input["orderId"], {"status": "processed", "meta": {"by": "worker"}})
    await context.streams.orderStatus.set(input["orderId"], "status", {"status": "processed"})
    await context.emit({"topic": "order.processed", "data": {"orderId": input["orderId"], "extra": 1}})
    await context.emit({"topic": "order.shipped", "data": {"orderId": input["orderId"]}})  # expect: MG300
    await context.streams.orderStatus.set(input["orderId"], "status", {"state": "done"})  # expect: MG300
