config = {
    "type": "event",
    "name": "Audit",
    "subscribes": ["order.audited"],
    "emits": [],
    "input": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "total": {"type": "number"}},
        "required": ["id"],
        "additionalProperties": False,
    },
    "infrastructure": {"queue": {"type": "fifo"}},
}


async def handler(input, context):
    pass
