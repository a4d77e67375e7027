"""Chat messages by room: each room is a group of the `messages` stream, each message an item.

Clients connect to the app's WebSocket with a token (`ws://host:3000/?token=...`, or an
`Authorization: Bearer ...` header where the client can send one). `authenticate` turns the token into the
member, who may then join only the rooms they belong to (`canAccess`). Typing indicators travel on the
same groups as ephemeral `typing` events: sent to whoever is in the room, never stored.
"""

from typing import Any

from motia import Motia, StreamAuthInput, StreamAuthResult, StreamSubscription

from steps.members import member_for
from steps.models import ChatMessage


async def authenticate(request: StreamAuthInput) -> StreamAuthResult:
    """Let a connection in when it carries a known token; its member is the auth context."""
    token = request.query_params.get("token")
    header = request.headers.get("authorization", "")
    if not isinstance(token, str) and header.startswith("Bearer "):
        token = header.removeprefix("Bearer ")
    member = member_for(token if isinstance(token, str) else None)
    return StreamAuthResult(authorized=member is not None, context=member)


def can_access(subscription: StreamSubscription, member: Any) -> bool:
    """A member may follow the rooms they belong to."""
    return member is not None and subscription.group_id in member["rooms"]


config = {
    "name": "messages",
    "description": "Chat messages, grouped by room",
    "schema": ChatMessage.model_json_schema(),
    "baseConfig": {"storageType": "default"},
    "canAccess": can_access,
}

motia = Motia()
motia.set_authenticate(authenticate)
