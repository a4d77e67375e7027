config = {"type": "api", "name": "CountHooks", "path": "/hooks/:source/count", "method": "GET", "emits": []}


async def handler(req, context):
    hooks = await context.state.get_group(req["pathParams"]["source"])
    limit = req["queryParams"].get("limit", "100")
    return {"status": 200, "body": {"count": min(len(hooks), int(str(limit)))}}
