from motia import http

config = {"name": "GetUser", "triggers": [http("GET", "/users/:id")], "enqueues": []}  # expect: MG250


async def handler(request, ctx):
    return {"status": 200, "body": {}}
