from steps.models import Order

config = {
    "type": "event",
    "name": "Charge",
    "description": "Charges the customer for a new order",
    "subscribes": ["order_created"],
    "emits": ["invoice.ready", "payment.failed"],
    "input": Order.model_json_schema(),
    "flows": ["billing"],
    "infrastructure": {
        "handler": {"timeout": 60},
        "queue": {"type": "fifo", "maxRetries": 3, "visibilityTimeout": 30},
    },
}


async def handler(order, context):
    invoice = {"orderId": order["id"], "amount": order["quantity"] * 9.5}
    await context.emit({"topic": "invoice.ready", "data": invoice})
    await context.emit({"topic": "order.charged", "data": invoice})
