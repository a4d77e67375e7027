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
    owner = req["pathParams"]["owner"]  # expect: MG300
    nickname = body["nickname"]  # expect: MG300
    if req["queryParams"]["page"]:  # expect: MG300
        return {"status": 409, "body": {"msg": "dry run"}}  # expect: MG300
    await context.streams.pet.set(owner, nickname, {"id": nickname, "name": "x", "age": 1})  # expect: MG300
    await context.emit({"topic": "pet.created", "data": {"id": owner, "name": "x", "age": 1}})  # expect: MG300
    await context.emit({"topic": "pet.created", "data": {"id": owner, "nam": "x", "age": 1}, "messageGroupId": owner})  # expect: MG300
    await context.emit({"topic": "pet.created", "data": {"id": owner, "name": "x", "age": "1"}, "messageGroupId": owner})  # expect: MG300
    await context.emit({"topic": "pet.deleted", "data": {"id": owner}})  # expect: MG300
    return {"status": 202, "body": {"id": owner, "name": "x", "age": 1}}  # expect: MG300
