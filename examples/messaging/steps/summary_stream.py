from steps.schemas import Summary

config = {
    "name": "summary",
    "schema": Summary.model_json_schema(),
    "baseConfig": {"storageType": "default"},
}
