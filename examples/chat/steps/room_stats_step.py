"""GET /rooms/:room/stats: how many messages a room has had."""

from motia import ApiResponse, http
from motia_types.steps.room_stats import Context, Request, Response

from steps.models import RoomStats

config = {
    "name": "RoomStats",
    "description": "Reads a room's message count",
    "flows": ["chat"],
    "triggers": [http("GET", "/rooms/:room/stats", response_schema={200: RoomStats})],
    "enqueues": [],
}


async def handler(request: Request, ctx: Context) -> Response:
    room = request.path_params["room"]
    stats = await ctx.state.get("room-stats", room)
    count = stats["messages"] if isinstance(stats, dict) else 0
    return ApiResponse(status=200, body={"room": room, "messages": count})
