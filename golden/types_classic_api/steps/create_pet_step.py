from steps.models import NewPet, Pet, Problem

config = {
    "type": "api",
    "name": "CreatePet",
    "path": "/owners/:ownerId/pets",
    "method": "POST",
    "emits": ["pet.created"],
    "bodySchema": NewPet.model_json_schema(),
    "responseSchema": {201: Pet.model_json_schema(), 409: Problem.model_json_schema()},
    "queryParams": [{"name": "dryRun", "description": "validate only"}],
}


async def handler(req, context):
    body = req["body"]
    owner = req["pathParams"]["ownerId"]
    if req["queryParams"].get("dryRun"):
        return {"status": 409, "body": {"message": "dry run"}}
    pet_id = owner + body["name"]
    await context.streams.pets.set(owner, pet_id, {"id": pet_id, "name": body["name"], "age": body["age"]})
    await context.emit(
        {"topic": "pet.created", "data": {"id": pet_id, "name": body["name"], "age": body["age"]}, "messageGroupId": owner}
    )
    return {"status": 201, "body": {"id": pet_id, "name": body["name"], "age": body["age"]}}
