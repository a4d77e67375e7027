config = {
    "type": "event",
    "name": "BuildReport",
    "subscribes": ["report.requested"],
    "emits": ["report.ready"],
}


async def handler(input, context):
    day = input["day"] if isinstance(input, dict) else "today"
    rows = await context.state.get_group("sales")
    await context.emit({"topic": "report.ready", "data": {"day": day, "rows": len(rows)}})  # expect: MG300
    await context.emit({"topic": "report.ready", "data": {"day": day, "rows": str(len(rows))}, "messageGroupId": day})  # expect: MG300
    await context.emit({"topic": "report.ready", "data": {"day": day, "count": len(rows)}, "messageGroupId": day})  # expect: MG300
