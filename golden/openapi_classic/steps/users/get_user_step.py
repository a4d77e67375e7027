from steps.users.schemas import User

config = {
    "type": "api",
    "name": "GetUser",
    "description": "One user by id",
    "path": "/orgs/:orgId/users/:userId",
    "method": "GET",
    "emits": [],
    "flows": ["users"],
    "queryParams": [
        {"name": "fields", "description": "Comma-separated fields to return"},
        {"name": "expand"},
    ],
    "responseSchema": {200: User.model_json_schema(), "404": {"type": "object", "properties": {}}},
}


async def handler(req, context):
    user_id = req.get("pathParams", {}).get("userId")
    org_id = req.get("pathParams", {}).get("orgId")
    if not user_id or not org_id:
        return {"status": 404, "body": {}}
    return {"status": 200, "body": {"id": user_id, "email": "a@example.com", "role": "member"}}
