"""Who may connect, and to which rooms: a fixed table standing in for a real user store."""

from typing import TypedDict


class Member(TypedDict):
    user: str
    rooms: list[str]


TOKENS: dict[str, Member] = {
    "token-ana": {"user": "ana", "rooms": ["general", "random"]},
    "token-bob": {"user": "bob", "rooms": ["general"]},
}


def member_for(token: str | None) -> Member | None:
    """The member a token belongs to, or None."""
    return TOKENS.get(token or "")
