from motia_types.steps.record_processed import Context, Input

config = {
    "type": "event",
    "name": "RecordProcessed",
    "description": "Counts processed messages for the daily summary",
    "subscribes": ["message.processed"],
    "emits": [],
    "flows": ["messaging"],
}


async def handler(input_data: Input, context: Context) -> None:
    count = await context.state.get("counters", "processed") or 0
    await context.state.set("counters", "processed", count + 1)
