config = {
    "type": "api",
    "name": "CreateUser",
    "path": "/people",
    "method": "GET",
    "emits": [],
}


async def handler(req, context):
    return {"status": 200, "body": {}}
