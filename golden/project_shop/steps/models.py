"""Shapes shared by the shop's steps."""

from pydantic import BaseModel, Field


class OrderBody(BaseModel):
    sku: str
    quantity: int = Field(ge=1)


class Order(BaseModel):
    id: str
    sku: str
    quantity: int
    customerId: str


class Invoice(BaseModel):
    orderId: str
    amount: float
