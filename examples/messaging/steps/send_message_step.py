from motia_types.steps.send_message import Context, Request, Response
from motia_types.topics import MessageSent
from steps.schemas import Message, SendMessageBody

config = {
    "type": "api",
    "name": "SendMessage",
    "description": "Accepts a message, stores it and hands it on for processing",
    "path": "/messages",
    "method": "POST",
    "emits": ["message.sent"],
    "flows": ["messaging"],
    "bodySchema": SendMessageBody.model_json_schema(),
    "responseSchema": {201: Message.model_json_schema()},
}


async def handler(req: Request, context: Context) -> Response:
    body = req["body"]
    message: MessageSent = {"text": body["text"], "userId": body["userId"], "status": "sent"}
    await context.state.set("messages", message["userId"], message)
    await context.streams.messages.set(message["userId"], "latest", message)
    context.logger.info("Message sent", {"userId": message["userId"]})
    await context.emit({"topic": "message.sent", "data": message})
    return {"status": 201, "body": message}
