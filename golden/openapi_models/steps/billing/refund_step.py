# A hand-written schema with its own definitions: hoisted like pydantic's.
REFUND = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "reason": {"$ref": "#/$defs/Reason"},
        "amounts": {"type": "array", "items": {"$ref": "#/$defs/Money"}},
    },
    "required": ["reason"],
    "$defs": {
        "Reason": {"type": "string", "enum": ["damaged", "late", "other"]},
        "Money": {"type": "object", "properties": {"cents": {"type": "integer"}}, "required": ["cents"]},
    },
}

config = {
    "type": "api",
    "name": "Refund",
    "path": "/billing/refunds",
    "method": "POST",
    "emits": [],
    "flows": ["billing"],
    "bodySchema": REFUND,
    "responseSchema": {200: {"type": "object", "properties": {"refunded": {"type": ["integer", "null"]}}}},
}


async def handler(req, context):
    return {"status": 200, "body": {"refunded": None}}
