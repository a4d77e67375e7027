from steps.users.schemas import UserList

config = {
    "type": "api",
    "name": "list-users",
    "path": "/users",
    "method": "GET",
    "emits": [],
    "flows": ["users"],
    "queryParams": [{"name": "limit", "description": "At most this many"}],
    "responseSchema": {200: UserList.model_json_schema()},
}


async def handler(req, context):
    return {"status": 200, "body": {"users": [], "total": 0}}
