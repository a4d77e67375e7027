config = {
    "type": "api",
    "name": "DeleteUser",
    "path": "/orgs/:org/users/:id",
    "method": "DELETE",
    "emits": [],
}


async def handler(req, context):
    return {"status": 204, "body": None}
