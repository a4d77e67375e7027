config = {
    "type": "api",
    "name": "my-step",
    "path": "/pets/:petId/adopt",
    "method": "POST",
    "emits": ["pet.created"],
    "bodySchema": {"type": "object", "properties": {"owner": {"type": "string"}}, "required": ["owner"]},
    "responseSchema": {202: {"type": "object", "properties": {"queued": {"type": "boolean"}}, "required": ["queued"]}},
}


async def handler(req, context):
    pet_id = req["pathParams"]["petId"]
    await context.emit({"topic": "pet.created", "data": {"petId": pet_id, "owner": req["body"]["owner"]}})
    return {"status": 202, "body": {"queued": True}}
