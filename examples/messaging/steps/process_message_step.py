from motia_types.steps.process_message import Context, Input
from motia_types.streams import Messages
from steps.schemas import Message

config = {
    "type": "event",
    "name": "ProcessMessage",
    "description": "Marks a sent message as processed",
    "subscribes": ["message.sent"],
    "emits": ["message.processed"],
    "input": Message.model_json_schema(),
    "flows": ["messaging"],
    "infrastructure": {
        "handler": {"ram": 256, "timeout": 10},
        "queue": {"type": "standard", "maxRetries": 3, "visibilityTimeout": 30},
    },
}


async def handler(input_data: Input, context: Context) -> None:
    processed: Messages = {"text": input_data["text"], "userId": input_data["userId"], "status": "processed"}
    await context.state.set("processed", processed["userId"], processed)
    await context.streams.messages.set(processed["userId"], "latest", processed)
    context.logger.info("Message processed", {"userId": processed["userId"]})
    await context.emit({"topic": "message.processed", "data": processed})
