config = {"type": "noop", "name": " ", "virtualEmits": [], "virtualSubscribes": []}  # expect: MG228


async def handler(context):  # expect: MG225
    pass
