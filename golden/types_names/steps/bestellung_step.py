config = {
    "type": "event",
    "name": "Bestellung-übermittelt",
    "subscribes": ["Bestellung-übermittelt"],
    "emits": ["order-created", "order.created"],
    "input": {"type": "object", "properties": {"bestellnummer": {"type": "string"}}, "required": ["bestellnummer"]},
}


async def handler(input, context):
    number = input["bestellnummer"]
    await context.emit({"topic": "order-created", "data": {"id": number}})
    await context.emit({"topic": "order.created", "data": {"orderId": number, "items": 1}})
