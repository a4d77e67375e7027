config = {"type": "event", "name": "NoHandler", "subscribes": ["a"], "emits": []}  # expect: MG104:10  # expect: MG205
