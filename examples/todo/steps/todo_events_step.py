"""The to-dos of a list as server-sent events, written as they are read."""

import json
from typing import Any

from motia import MotiaHttpArgs, Stream, http

todo_stream = Stream("todo")

config = {
    "name": "TodoEvents",
    "description": "Stream a list's to-dos as server-sent events",
    "flows": ["todo"],
    "triggers": [http("GET", "/lists/:list/events")],
    "enqueues": [],
}


async def handler(args: MotiaHttpArgs[Any]) -> None:
    todos = todo_stream.get_group(args.path_params["list"])
    await args.response.status(200)
    await args.response.headers({"content-type": "text/event-stream", "cache-control": "no-cache"})
    for todo in todos:
        args.response.writer.stream.write(f"event: todo\ndata: {json.dumps(todo)}\n\n")
    args.response.writer.stream.write(f"event: done\ndata: {json.dumps({'total': len(todos)})}\n\n")
    args.response.close()
