"""List the to-dos of a list (`?list=work`, the default list otherwise)."""

import os
from typing import Any

from motia import ApiRequest, ApiResponse, Stream, http

todo_stream = Stream("todo")

config = {
    "name": "ListTodos",
    "description": "The to-dos of one list",
    "flows": ["todo"],
    "triggers": [http("GET", "/todos")],
    "enqueues": [],
}


def handler(request: ApiRequest[Any]) -> ApiResponse[Any]:
    wanted = request.query_params.get("list")
    todo_list = wanted if isinstance(wanted, str) else os.environ.get("TODO_DEFAULT_LIST", "inbox")
    todos = todo_stream.get_group(todo_list)
    return ApiResponse(status=200, body={"list": todo_list, "todos": todos})
