"""Mark a to-do done. Async, and still no `await`: Motia 1.x's calls are plain calls."""

from typing import Any

from motia import ApiRequest, ApiResponse, Stream, enqueue, http

todo_stream = Stream("todo")

config = {
    "name": "CompleteTodo",
    "description": "Mark a to-do done",
    "flows": ["todo"],
    "triggers": [http("POST", "/lists/:list/todos/:id/complete")],
    "enqueues": ["todo.completed"],
}


async def handler(request: ApiRequest[Any]) -> ApiResponse[Any]:
    todo_list, todo_id = request.path_params["list"], request.path_params["id"]
    todo = todo_stream.get(todo_list, todo_id)
    if todo is None:
        return ApiResponse(status=404, body={"error": f"no to-do {todo_id} in {todo_list}"})
    done = {**todo, "done": True}
    todo_stream.set(todo_list, todo_id, done)
    enqueue({"topic": "todo.completed", "data": done})
    return ApiResponse(status=200, body=done)
