config = {"type": "event", "name": "A", "subscribes": ["nobody.emits"], "emits": ["nobody.listens"]}  # expect: MG204


async def handler(input, context):
    await context.emit({"topic": "nobody.listens", "data": {}})
    await context.emit({"topic": "undeclared", "data": {}})  # motia: ignore[MG200]
    await context.emit({"topic": "also.undeclared", "data": {}})  # motia: ignore[MG20O]  # expect: MG200  # expect: MG112
