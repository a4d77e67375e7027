from motia import http

config = {"name": "Me", "triggers": [http("GET", "/users/me")], "enqueues": []}  # expect: MG251


async def handler(request, ctx):
    return {"status": 200, "body": {}}
