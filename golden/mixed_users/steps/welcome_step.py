from datetime import datetime, timezone

config = {
    "type": "event",
    "name": "WelcomeUser",
    "description": "Greets a new user in the lobby and asks for an audit entry",
    "subscribes": ["user.created"],
    "emits": ["user.welcomed"],
    "input": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        "required": ["id", "name"],
    },
    "flows": ["user-management"],
}


async def handler(input, context):
    now = datetime.now(timezone.utc).isoformat()
    text = f"Welcome, {input['name']}!"
    await context.streams.chatMessages.set("lobby", input["id"], {"text": text, "author": "bot", "timestamp": now})
    await context.emit({"topic": "user.welcomed", "data": {"userId": input["id"], "at": now}})
