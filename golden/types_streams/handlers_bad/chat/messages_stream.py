config = {
    "name": "messages",
    "schema": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "author": {"type": "string"},
            "text": {"type": "string"},
            "reactions": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
        "required": ["id", "author", "text"],
    },
    "baseConfig": {"storageType": "default"},
}
