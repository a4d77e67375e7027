config = {"name": "orders", "schema": {"type": "object"}}
