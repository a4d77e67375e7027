from pydantic import BaseModel

from steps.shop.models import Line


class Address(BaseModel):
    """A billing address: a different shape under the same name as the shop's."""

    line1: str
    country: str = "NL"


class Order(BaseModel):
    """What billing calls an order: an invoice reference."""

    invoice: str
    amount_cents: int


class Invoice(BaseModel):
    lines: list[Line]
    billing_address: Address
    order: Order
