config = {"type": "event", "name": "Forward", "subscribes": ["order.placed"], "emits": ["order.audited"]}


async def handler(input, context):
    await context.emit({"topic": input["next"], "data": {}, "messageGroupId": "g"})  # expect: MG202
