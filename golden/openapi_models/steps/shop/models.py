from pydantic import BaseModel, Field


class Address(BaseModel):
    street: str
    city: str


class Customer(BaseModel):
    name: str
    address: Address


class Line(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class Order(BaseModel):
    """An order as the shop takes it."""

    customer: Customer
    lines: list[Line] = Field(min_length=1)
    gift: bool = False


class Category(BaseModel):
    name: str
    children: list["Category"] = []
