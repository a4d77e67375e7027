config = {
    "type": "event",
    "name": "03-send-email",
    "subscribes": ["pet.created"],
    "emits": ["Bestellung-übermittelt"],
    "input": {
        "type": "object",
        "properties": {"petId": {"type": "string"}, "owner": {"type": "string"}},
        "required": ["petId", "owner"],
    },
}


async def handler(input, context):
    context.logger.info("mail", {"to": input["owner"]})
    await context.emit({"topic": "Bestellung-übermittelt", "data": {"bestellnummer": input["petId"]}})
