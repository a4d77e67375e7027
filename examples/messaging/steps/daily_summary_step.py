from motia_types.steps.daily_summary import Context
from motia_types.topics import SummaryGenerated

config = {
    "type": "cron",
    "name": "DailySummary",
    "description": "Summarises the day's messages every morning at 09:00",
    "cron": "0 9 * * *",
    "emits": ["summary.generated"],
    "flows": ["messaging"],
}


async def handler(context: Context) -> None:
    messages = await context.state.get_group("messages")
    summary: SummaryGenerated = {"total": len(messages), "status": "completed"}
    await context.state.set("summaries", "daily", summary)
    await context.streams.summary.set("daily", "latest", summary)
    context.logger.info("Daily summary generated", {"total": summary["total"]})
    await context.emit({"topic": "summary.generated", "data": summary})
