"""GET /orders/:id: where an order is."""

from motia import ApiResponse, http
from motia_types.steps.order_status import Context, Request, Response

from steps.models import NotFound, OrderStatus

config = {
    "name": "OrderStatus",
    "description": "Reads an order's status",
    "flows": ["orders"],
    "triggers": [http("GET", "/orders/:id", response_schema={200: OrderStatus, 404: NotFound})],
    "enqueues": [],
}


async def handler(request: Request, ctx: Context) -> Response:
    order_id = request.path_params["id"]
    status = await ctx.state.get("orders", order_id)
    if status is None:
        return ApiResponse(status=404, body={"error": f"no order {order_id}"})
    return ApiResponse(status=200, body=status)
