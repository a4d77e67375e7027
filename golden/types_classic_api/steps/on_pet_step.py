from steps.models import Pet

config = {
    "type": "event",
    "name": "OnPetCreated",
    "subscribes": ["pet.created"],
    "emits": [],
    "input": Pet.model_json_schema(),
    "infrastructure": {"queue": {"type": "fifo"}},
}


async def handler(input, context):
    context.logger.info("pet created", {"name": input["name"], "age": input["age"] + 1})
