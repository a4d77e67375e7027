config = {
    "type": "event",
    "name": "Ledger",
    "subscribes": ["invoice.sent"],
    "emits": ["invoice.ready"],
    "input": {"type": "object", "properties": {"orderId": {"type": "string"}}, "required": ["orderId"]},
    "flows": ["billing"],
}


async def handler(entry, context):
    await context.state.set("ledger", entry["orderId"], entry)
    await context.emit({"topic": "invoice.ready", "data": {"orderId": entry["orderId"], "amount": "0"}, "messageGroupId": entry["orderId"]})
