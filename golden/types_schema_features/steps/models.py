from enum import Enum
from typing import Literal, Optional

from pydantic import BaseModel


class Tier(str, Enum):
    free = "free"
    pro = "pro"


class Address(BaseModel):
    street: str
    city: str
    postcode: Optional[str] = None


class Customer(BaseModel):
    id: str
    tier: Tier
    kind: Literal["person", "company"]
    address: Address
    billing: Address | None = None
    tags: list[str] = []
    credit: float
    visits: int


class Category(BaseModel):
    name: str
    children: list["Category"] = []


class Problem(BaseModel):
    message: str
    fields: dict[str, str] = {}
