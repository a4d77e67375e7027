from motia_types.steps.publish_summary import Context, Input
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


async def handler(summary: Input, context: Context) -> None:
    context.logger.info("Summary published", {"total": summary["total"]})
