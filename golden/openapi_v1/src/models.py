from pydantic import BaseModel, Field


class Item(BaseModel):
    sku: str = Field(pattern=r"^[A-Z]{3}-\d+$")
    quantity: int = Field(ge=0)
    tags: list[str] = []


class StockLevel(BaseModel):
    sku: str
    available: int
    reserved: int | None = None
