from steps.models import Order

config = {"name": "orders", "schema": Order.model_json_schema(), "baseConfig": {"storageType": "default"}}
