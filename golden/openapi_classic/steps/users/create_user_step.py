from steps.users.schemas import NewUser, User


async def audit(req, context, next_fn):
    return await next_fn()


config = {
    "type": "api",
    "name": "CreateUser",
    "description": "Create a user\n\nValidates the form, stores the user and announces it.",
    "path": "/users",
    "method": "POST",
    "emits": ["user.created"],
    "flows": ["users", "onboarding"],
    "middleware": [audit],
    "bodySchema": NewUser.model_json_schema(),
    "responseSchema": {
        201: User.model_json_schema(),
        409: {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]},
    },
}


async def handler(req, context):
    body = req.get("body", {})
    await context.emit({"topic": "user.created", "data": {"email": body.get("email")}})
    if body.get("email") == "taken@example.com":
        return {"status": 409, "body": {"message": "email taken"}}
    return {"status": 201, "body": {"id": "1", "email": body.get("email"), "role": "member"}}
