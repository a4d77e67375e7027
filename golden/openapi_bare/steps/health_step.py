config = {"type": "api", "name": "health-check", "path": "/health", "method": "GET", "emits": []}


async def handler(req, context):
    return {"status": 200, "body": {"ok": True}}
