config = {
    "type": "event",
    "name": "AVeryLongStepNameThatKeepsGoingAndGoingForever",  # expect: MG218
    "subscribes": ["user.created"],
    "emits": [],
    "infrastructure": {
        "handler": {"ram": 64, "timeout": 60, "cpu": 2},  # expect: MG221
        "queue": {"visibilityTimeout": 30, "delaySeconds": 901},  # expect: MG221
    },
}


async def handler(input, context):
    pass
