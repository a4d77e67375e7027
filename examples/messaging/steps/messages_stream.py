from steps.schemas import Message

config = {
    "name": "messages",
    "schema": Message.model_json_schema(),
    "baseConfig": {"storageType": "default"},
}
