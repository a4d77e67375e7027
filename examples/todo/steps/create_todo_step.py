"""Add a to-do: stored in the `todo` stream (live for clients), announced on `todo.created`."""

import os
import uuid
from typing import Any

from motia import ApiRequest, ApiResponse, Stream, enqueue, http, logger

todo_stream = Stream("todo")

config = {
    "name": "CreateTodo",
    "description": "Add a to-do to a list",
    "flows": ["todo"],
    "triggers": [
        http(
            "POST",
            "/todos",
            body_schema={
                "type": "object",
                "properties": {"title": {"type": "string", "minLength": 1}, "list": {"type": "string"}},
                "required": ["title"],
            },
        )
    ],
    "enqueues": ["todo.created"],
}


def handler(request: ApiRequest[Any]) -> ApiResponse[Any]:
    body = request.body or {}
    todo_list = body.get("list") or os.environ.get("TODO_DEFAULT_LIST", "inbox")
    todo_id = str(uuid.uuid4())
    todo = {"title": body["title"], "list": todo_list, "done": False}

    stored = todo_stream.set(todo_list, todo_id, todo)
    enqueue({"topic": "todo.created", "data": stored})
    logger.info("Todo created", {"todo_id": todo_id, "list": todo_list})
    return ApiResponse(status=201, body=stored)
