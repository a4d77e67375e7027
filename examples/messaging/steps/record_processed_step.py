config = {
    "type": "event",
    "name": "RecordProcessed",
    "description": "Counts processed messages for the daily summary",
    "subscribes": ["message.processed"],
    "emits": [],
    "flows": ["messaging"],
}


async def handler(input_data, context):
    count = await context.state.get("counters", "processed") or 0
    await context.state.set("counters", "processed", count + 1)
