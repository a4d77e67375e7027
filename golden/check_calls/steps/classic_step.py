config = {"type": "api", "name": "Classic", "path": "/classic", "method": "POST", "emits": ["done"]}


async def handler(req, context):
    context.emit({"topic": "done", "data": {}})  # expect: MG233
    context.state.set("counts", "classic", 1)  # expect: MG233
    context.streams.board.set("g", "i", {})  # expect: MG233
    await context.state.set("counts", "awaited", 1)
    pending = context.state.get("counts", "classic")
    await context.streams.board.delete("g", "i")
    return {"status": 200, "body": await pending}
