"""Order shapes shared by the order steps."""

from typing import Literal

from pydantic import BaseModel, Field


class OrderItem(BaseModel):
    sku: str = Field(min_length=1, description="Stock keeping unit")
    qty: int = Field(ge=1, le=1000)


class PlaceOrder(BaseModel):
    """What a client sends to place an order."""

    customerId: str = Field(min_length=1)
    items: list[OrderItem] = Field(min_length=1, max_length=50)


class Order(BaseModel):
    """An accepted order, as it travels between the steps."""

    orderId: str
    customerId: str
    items: list[OrderItem]


class Accepted(BaseModel):
    orderId: str


class OrderStatus(BaseModel):
    orderId: str
    customerId: str
    status: Literal["placed", "reserved", "paid"]


class NotFound(BaseModel):
    error: str


class Restock(BaseModel):
    qty: int = Field(ge=1)


class Stock(BaseModel):
    sku: str
    qty: int
