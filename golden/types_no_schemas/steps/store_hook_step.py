config = {"type": "event", "name": "StoreHook", "subscribes": ["hook.received"], "emits": []}


async def handler(input, context):
    await context.state.set(input["source"], context.trace_id, input["payload"])
