from motia import http

config = {"name": "UpdateUser", "triggers": [http("POST", "/users/:id")], "enqueues": []}


async def handler(request, ctx):
    return {"status": 200, "body": {}}
