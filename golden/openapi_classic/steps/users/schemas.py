from typing import Literal

from pydantic import BaseModel, Field


class Address(BaseModel):
    street: str
    city: str
    postcode: str | None = None


class NewUser(BaseModel):
    """A user as the sign-up form sends it."""

    email: str = Field(min_length=3, description="Where to reach the user")
    age: int = Field(gt=0, le=150, examples=[42])
    role: Literal["admin", "member"] = "member"
    address: Address | None = None


class User(BaseModel):
    id: str
    email: str
    role: str


class UserList(BaseModel):
    users: list[User]
    total: int = Field(ge=0)
