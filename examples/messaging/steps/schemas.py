"""Message shapes shared by the messaging steps."""

from pydantic import BaseModel, Field


class SendMessageBody(BaseModel):
    """A chat message sent by a user."""

    text: str = Field(min_length=1, max_length=2000, description="The message text")
    userId: str = Field(min_length=1, description="Who sends it")


class Message(BaseModel):
    text: str
    userId: str
    status: str


class Summary(BaseModel):
    total: int = Field(ge=0)
    status: str
