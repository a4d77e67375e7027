from ..shared import models
from ..shared.constants import TOPICS

config = {
    "type": "event",
    "name": "ProcessOrder",
    "subscribes": ["order.created"],
    "emits": TOPICS,
    "input": models.OrderCreated.model_json_schema(),
    "infrastructure": {"handler": {"ram": 512, "timeout": 30}, "queue": {"type": "fifo", "maxRetries": 5}},
}


async def handler(input_data, context):
    context.logger.info("processing", {"id": input_data["id"]})
    for topic in TOPICS:
        await context.emit({"topic": topic, "data": {"message": input_data["id"]}, "messageGroupId": "orders"})
