config = {
    "type": "cron",
    "name": "Reconcile",
    "cron": "0 25 * * *",
    "emits": [],
    "flows": ["billing"],
}


async def handler(context):
    for entry in await context.state.get_group("ledger"):
        context.logger.info("reconciled", {"orderId": entry["orderId"]})
