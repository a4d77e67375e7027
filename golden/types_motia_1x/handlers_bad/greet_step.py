from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, enqueue, http, logger, queue

config = {
    "name": "Greet",
    "description": "Motia 1.x's canonical annotations on a two-trigger step",
    "triggers": [
        http("GET", "/greet/:name", response_schema={200: {"type": "object", "properties": {"message": {"type": "string"}}}}),
        queue("greet.requested"),
    ],
    "enqueues": ["greeted"],
}


def handler(request: ApiRequest[Any], ctx: FlowContext[Any]) -> ApiResponse[dict[str, Any]]:
    logger.info("greet", {"trigger": ctx.trigger.kind})  # expect: MG300
    name = request.path_params.get("name", "world")
    enqueue({"topic": "greeted", "data": {"name": name}})
    return ApiResponse(status="200", body={"message": f"Hello, {name}!"})  # expect: MG300
