config = {"type": "api", "name": "3-echo", "path": "/echo/:word/", "method": "POST", "emits": []}


async def handler(req, context):
    return {"status": 200, "body": {"word": req.get("pathParams", {}).get("word")}}
