config = {
    "type": "api",
    "name": "ReceiveHook",
    "path": "/hooks/:source",
    "method": "POST",
    "emits": ["hook.received"],
}


async def handler(req, context):
    source = req["pathParams"]["source"]
    await context.emit({"topic": "hook.received", "data": {"source": source, "payload": req["body"]}})
    return {"status": 202, "body": {"accepted": True}, "headers": {"x-source": source}}
