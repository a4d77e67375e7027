config = {"name": "Neither"}  # expect: MG210


async def handler(req, context):
    pass
