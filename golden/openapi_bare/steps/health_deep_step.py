config = {"type": "api", "name": "health_check", "path": "/health/deep", "method": "GET", "emits": []}


async def handler(req, context):
    return {"status": 200, "body": {"ok": True}}
