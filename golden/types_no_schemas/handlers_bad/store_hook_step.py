config = {"type": "event", "name": "StoreHook", "subscribes": ["hook.received"], "emits": []}


async def handler(input, context):
    await context.state.set(input["source"], context.trace_id, input["payload"])
    await context.emit({"topic": "hook.stored", "data": input})  # expect: MG300
