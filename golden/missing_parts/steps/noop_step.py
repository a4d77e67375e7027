config = {"type": "noop", "name": "Gate", "virtualEmits": ["a"], "virtualSubscribes": []}
