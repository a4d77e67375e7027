from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid4

from pydantic import BaseModel, EmailStr, Field

from services.pricing import total
from steps.orders.middleware import auth_middleware


class LineItem(BaseModel):
    sku: str
    quantity: int = Field(ge=1)
    price: Decimal = Field(ge=0, decimal_places=2)


class CreateOrder(BaseModel):
    customer_email: EmailStr
    items: list[LineItem]
    note: str | None = None


class OrderCreated(BaseModel):
    id: UUID
    created_at: datetime
    total: Decimal


config = {
    "type": "api",
    "name": "CreateOrder",
    "path": "/orders",
    "method": "POST",
    "emits": ["order.created"],
    "flows": ["orders"],
    "bodySchema": CreateOrder.model_json_schema(),
    "responseSchema": {
        201: OrderCreated.model_json_schema(),
        401: {"type": "object", "properties": {"error": {"type": "string"}}},
    },
    "middleware": [auth_middleware],
}


async def handler(req, context):
    order = CreateOrder(**req.body)
    order_id = uuid4()
    payload = {
        "orderId": str(order_id),
        "email": order.customer_email,
        "total": str(total([i.model_dump() for i in order.items])),
        "source": "api",
        "total": 12,  # expect: MG300
    }
    await context.emit({"topic": "order.created", "data": payload})
    context.logger.info("order created", {"orderId": str(order_id)})
    if not order.items:
        return {"status": 400, "body": {"error": "no items"}}  # expect: MG300
    if order.note == "":
        return {"status": 401, "body": {"error": 401}}  # expect: MG300
    return {"status": 201, "body": {"id": str(order_id), "created_at": datetime.now().isoformat()}}  # expect: MG300
