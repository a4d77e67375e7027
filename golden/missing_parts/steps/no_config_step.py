# expect: MG103
async def handler(req, context):
    return {"status": 200, "body": {}}
