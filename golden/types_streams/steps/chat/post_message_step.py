config = {
    "type": "api",
    "name": "PostMessage",
    "path": "/rooms/:roomId/messages",
    "method": "POST",
    "emits": ["message.posted"],
    "bodySchema": {
        "type": "object",
        "properties": {"author": {"type": "string"}, "text": {"type": "string", "minLength": 1}},
        "required": ["author", "text"],
    },
    "responseSchema": {
        201: {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        404: {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]},
    },
}


async def handler(req, context):
    room_id = req["pathParams"]["roomId"]
    room = await context.streams.rooms.get("all", room_id)
    if room is None or room.get("archived", False):
        return {"status": 404, "body": {"error": f"no room {room_id}"}}
    body = req["body"]
    message_id = f"{room_id}-{context.trace_id}"
    await context.streams.messages.set(room_id, message_id, {"id": message_id, "author": body["author"], "text": body["text"]})
    await context.streams.presence.set(room_id, body["author"], {"online": True})
    if body["author"] not in room.get("members", []):
        members = [*room.get("members", []), body["author"]]
        await context.streams.rooms.set("all", room_id, {**room, "members": members})
    await context.emit({"topic": "message.posted", "data": {"roomId": room_id, "messageId": message_id}})
    return {"status": 201, "body": {"id": message_id}}
