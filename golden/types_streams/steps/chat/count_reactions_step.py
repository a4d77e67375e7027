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
    titles = sorted(room["title"] for room in rooms if not room.get("archived", False))
    context.logger.info("reactions", {"total": total, "rooms": titles})
    await context.streams.messages.delete(input["roomId"], "draft")
