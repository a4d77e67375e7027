config = {
    "type": "api",
    "name": "ReceiveHook",
    "path": "/hooks/:source",
    "method": "POST",
    "emits": ["hook.received"],
}


async def handler(req, context):
    source = req["pathParams"]["provider"]  # expect: MG300
    await context.emit({"topic": "hooks.received", "data": {"source": source, "payload": req["body"]}})  # expect: MG300
    await context.emit({"topic": "hook.received", "data": {source, "payload"}})  # expect: MG300
    return {"status": 202, "body": {"accepted": True}, "headers": {"x-attempt": 1}}  # expect: MG300
