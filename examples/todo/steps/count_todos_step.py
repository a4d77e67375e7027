"""Count to-dos per list as they are created and completed (a lambda skips the `scratch` list)."""

from typing import Any

from motia import logger, queue, stateManager

config = {
    "name": "CountTodos",
    "description": "Keep per-list counters in state",
    "flows": ["todo"],
    "triggers": [
        queue("todo.created", condition=lambda todo, ctx: todo.get("list") != "scratch"),
        queue("todo.completed", condition=lambda todo, ctx: todo.get("list") != "scratch"),
    ],
    "enqueues": [],
}


def handler(todo: Any) -> None:
    field = "done" if todo["done"] else "open"
    ops = [{"type": "increment", "path": field, "by": 1}]
    if field == "done":
        ops.append({"type": "decrement", "path": "open", "by": 1})
    stateManager.update("stats", todo["list"], ops)
    logger.info("Counted", {"list": todo["list"], "field": field})
