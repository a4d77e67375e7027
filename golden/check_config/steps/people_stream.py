config = {"name": "users", "schema": {"type": "objekt"}}  # expect: MG222
