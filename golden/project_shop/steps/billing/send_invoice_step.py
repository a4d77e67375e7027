from steps.models import Invoice

config = {
    "type": "event",
    "name": "SendInvoice",
    "subscribes": ["invoice.ready", "payment.webhook"],
    "emits": ["invoice.sent"],
    "input": Invoice.model_json_schema(),
    "flows": ["billing"],
    "infrastructure": {"queue": {"type": "fifo"}},
}


async def handler(invoice, context):
    await context.emit({"topic": "invoice.sent", "data": {"orderId": invoice["orderId"]}})
