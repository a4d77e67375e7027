config = {
    "type": "api",
    "name": "CreateUser",  # expect: MG217
    "path": "/users/:id/:id",  # expect: MG216
    "method": "post",  # expect: MG215
    "emits": [],
    "bodySchema": {"type": "object", "required": "id"},  # expect: MG222
    "responseSchema": {200: {"type": "object"}, 700: {"type": "object"}},  # expect: MG223
    "queryParams": [
        {"name": "page", "description": "page number"},
        {"name": "page", "description": "again"},  # expect: MG224
    ],
    "includeFiles": ["assets/*.json", "missing/*.txt"],  # expect: MG227:39
}


async def handler(context):  # expect: MG226
    return {"status": 200, "body": {}}
