from motia import StepConfig, http, queue, step


async def handler(input, ctx):
    pass


config = {
    "name": "V1Keys",
    "triggers": [
        http("GET"),  # expect: MG211
        queue("t", input=3, retries=2),  # expect: MG212  # expect: MG213  # expect: MG205
        {"type": "webhook"},  # expect: MG214
        http("GET", "/a", "/b"),  # expect: MG214
    ],
    "emits": ["t"],  # expect: MG213
}

built = step(StepConfig(name=42, triggers=[queue("t")], virtualSubscribes=["x"]), handler)  # expect: MG212  # expect: MG213  # expect: MG205
