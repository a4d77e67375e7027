config = {
    "type": "event",
    "name": "SendWelcome",
    "subscribes": ["user.created"],
    "emits": [],
    "flows": ["onboarding"],
    "input": {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]},
}


async def handler(input, context):
    context.logger.info("welcome", {"email": input["email"]})
