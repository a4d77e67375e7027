config = {"type": "webhook", "name": "Hook"}  # expect: MG210


async def handler(req, context):
    pass
