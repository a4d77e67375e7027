from motia import http

config = {"name": "GetUserAgain", "triggers": [http("GET", "/users/:userId/")], "enqueues": []}


async def handler(request, ctx):
    return {"status": 200, "body": {}}
