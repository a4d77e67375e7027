config = {"name": "users", "schema": {"type": "object"}}  # expect: MG219
