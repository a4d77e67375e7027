from pydantic import BaseModel


class OrderStatus(BaseModel):
    status: str


def can_access(subscription, auth_context):
    return auth_context is not None and subscription.group == auth_context.get("orderId")  # expect: MG300


config = {
    "name": "orderStatus",
    "schema": OrderStatus.model_json_schema(),
    "baseConfig": {"storageType": "default"},
    "canAccess": can_access,
}
