config = {
    "type": "cron",
    "name": "NightlyReport",
    "description": "asks for yesterday's report and clears the cache",
    "cron": "0 2 * * *",
    "emits": ["report.requested", "cache.flush"],
}


async def handler(context):
    await context.emit({"topic": "report.requested", "data": {"day": "yesterday", "formats": ["pdf", "csv"]}})
    await context.emit({"topic": "cache.flush", "data": {"yesterday", "today"}})  # expect: MG300
    await context.emit({"topic": "report.ready", "data": {"day": "today", "rows": 0}})  # expect: MG300
    context.logger.info("nightly run", {"trace": context.trace_id + 1})  # expect: MG300
