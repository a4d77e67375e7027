async def notify(input, context):
    await context.emit({"topic": "order.audited", "data": {"id": input["id"]}, "messageGroupId": "g"})
