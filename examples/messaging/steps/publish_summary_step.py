from steps.schemas import Summary

config = {
    "type": "event",
    "name": "PublishSummary",
    "description": "Logs each generated summary",
    "subscribes": ["summary.generated"],
    "emits": [],
    "input": Summary.model_json_schema(),
    "flows": ["messaging"],
}


async def handler(summary, context):
    context.logger.info("Summary published", {"total": summary["total"]})
