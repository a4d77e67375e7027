"""Chat shapes shared by the steps and the stream."""

from pydantic import BaseModel, Field


class ChatMessage(BaseModel):
    """A message as clients see it in the `messages` stream (the stream adds its `id`)."""

    author: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=2000)
    sentAt: int = Field(description="Milliseconds since the epoch")


class PostMessage(BaseModel):
    """What a client sends to post a message."""

    author: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=2000)


class Posted(BaseModel):
    id: str


class Typing(BaseModel):
    author: str = Field(min_length=1, max_length=40)


class RoomStats(BaseModel):
    room: str
    messages: int


class TypingSent(BaseModel):
    room: str
