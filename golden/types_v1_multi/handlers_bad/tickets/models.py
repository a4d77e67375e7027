from typing import Literal

from pydantic import BaseModel


class Ticket(BaseModel):
    id: str
    title: str
    status: Literal["open", "closed"]
    assignee: str | None = None


class TicketPatch(BaseModel):
    status: Literal["open", "closed"] | None = None
    assignee: str | None = None


class NotFound(BaseModel):
    error: str
