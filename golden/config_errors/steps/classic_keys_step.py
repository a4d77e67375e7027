config = {  # expect: MG211
    "type": "api",
    "name": "Keys",
    "path": "/keys",
    "emits": "user.created",  # expect: MG212
    "bodyschema": {"type": "object", "properties": {}},  # expect: MG213
    "flows": ["a", 3],  # expect: MG212
}


async def handler(req, context):
    return {"status": 200, "body": {}}
