"""PUT /inventory/:sku: sets how many of a product are in stock."""

from motia import ApiResponse, http
from motia_types.steps.restock import Context, Request, Response

from steps.models import Restock, Stock

config = {
    "name": "Restock",
    "description": "Sets the stock of one product",
    "flows": ["orders"],
    "triggers": [http("PUT", "/inventory/:sku", body_schema=Restock, response_schema={200: Stock})],
    "enqueues": [],
}


async def handler(request: Request, ctx: Context) -> Response:
    sku, qty = request.path_params["sku"], request.body["qty"]
    await ctx.state.set("inventory", sku, {"sku": sku, "qty": qty})
    return ApiResponse(status=200, body={"sku": sku, "qty": qty})
