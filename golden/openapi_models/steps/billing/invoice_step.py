from steps.billing.models import Address, Invoice, Order

config = {
    "type": "api",
    "name": "CreateInvoice",
    "path": "/billing/invoices",
    "method": "POST",
    "emits": [],
    "flows": ["billing"],
    "bodySchema": Invoice.model_json_schema(),
    "responseSchema": {200: Order.model_json_schema(), 202: Address.model_json_schema()},
}


async def handler(req, context):
    return {"status": 200, "body": {"invoice": "I-1", "amount_cents": 100}}
