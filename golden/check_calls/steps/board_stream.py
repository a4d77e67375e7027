config = {"name": "board", "schema": {"type": "object"}, "baseConfig": {"storageType": "default"}}
