config = {
    "type": "event",
    "name": "PublishReport",
    "subscribes": ["report.ready"],
    "emits": [],
    "input": {
        "type": "object",
        "properties": {"day": {"type": "string"}, "rows": {"type": "integer", "minimum": 0}},
        "required": ["day", "rows"],
    },
    "infrastructure": {"queue": {"type": "fifo", "maxRetries": 5}},
}


def handler(input, context, extra):  # expect: MG301
    if input["rows"] == 0:
        context.logger.warn("empty report", {"day": input["day"]})
