from motia import StreamConfig
from pydantic import BaseModel


class Room(BaseModel):
    id: str
    title: str
    members: list[str] = []
    archived: bool = False


config = StreamConfig(name="rooms", schema=Room, description="chat rooms and who is in them")
