"""POST /rooms/:room/typing: tell the room someone is typing (an ephemeral event, nothing stored)."""

from motia import ApiResponse, http
from motia_types.steps.typing_indicator import Context, Request, Response

from steps.models import Typing, TypingSent

config = {
    "name": "TypingIndicator",
    "description": "Sends a typing indicator to a room",
    "flows": ["chat"],
    "triggers": [http("POST", "/rooms/:room/typing", body_schema=Typing, response_schema={202: TypingSent})],
    "enqueues": [],
}


async def handler(request: Request, ctx: Context) -> Response:
    room = request.path_params["room"]
    await ctx.streams.messages.send({"groupId": room}, {"type": "typing", "data": {"author": request.body["author"]}})
    return ApiResponse(status=202, body={"room": room})
