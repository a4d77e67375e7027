config = {
    "type": "event",
    "name": "CountReactions",
    "subscribes": ["message.posted"],
    "emits": [],
    "input": {
        "type": "object",
        "properties": {"roomId": {"type": "string"}, "messageId": {"type": "string"}},
        "required": ["roomId", "messageId"],
    },
}


async def handler(input, context):
    messages = await context.streams.messages.get_group(input["roomId"])
    total = sum(count for message in messages for count in message.get("reactions", {}).values())
    rooms = await context.streams.rooms.getGroup("all")
    titles = sorted(room["name"] for room in rooms if not room.get("archived", False))  # expect: MG300
    context.logger.info("reactions", {"total": total, "rooms": titles})
    await context.streams.messages.delete(input["roomId"], "draft")
    await context.streams.typing.set(input["roomId"], "bot", {"typing": False})  # expect: MG300
    await context.streams.messages.set(input["roomId"], "bot", {"id": "bot", "author": "bot", "text": "hi", "reactions": {"ok": "1"}})  # expect: MG300
