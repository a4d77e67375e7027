from pydantic import BaseModel, Field


class Order(BaseModel):
    """An order as the API accepts it."""

    id: str
    total: float = Field(ge=0, description="Order total")
    note: str | None = None


class OrderCreated(BaseModel):
    id: str
