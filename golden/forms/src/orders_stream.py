from steps.shared.models import OrderCreated

config = {"name": "orders", "schema": OrderCreated.model_json_schema(), "baseConfig": {"storageType": "default"}}
