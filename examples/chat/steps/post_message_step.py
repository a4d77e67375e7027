"""POST /rooms/:room/messages: store a message in the room's group; every member in the room sees it."""

import time
import uuid

from motia import ApiResponse, http
from motia_types.steps.post_message import Context, Request, Response
from motia_types.streams import Messages

from steps.models import Posted, PostMessage

config = {
    "name": "PostMessage",
    "description": "Posts a chat message to a room",
    "flows": ["chat"],
    "triggers": [http("POST", "/rooms/:room/messages", body_schema=PostMessage, response_schema={201: Posted})],
    "enqueues": [],
}


async def handler(request: Request, ctx: Context) -> Response:
    room = request.path_params["room"]
    # Ids that sort in posting order, so a room's items come back in the order they were written.
    message_id = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    body = request.body
    message: Messages = {"author": body["author"], "text": body["text"], "sentAt": time.time_ns() // 1_000_000}
    await ctx.streams.messages.set(room, message_id, message)
    return ApiResponse(status=201, body={"id": message_id})
