async def auth_middleware(req, context, next_fn):
    token = req.get("headers", {}).get("authorization")
    context.logger.info("auth", {"length": len(req.bodyy)})  # expect: MG300

    if not token:
        return {"status": 401, "body": {"error": "Unauthorized"}}

    return await next_fn()
