from motia import Motia, StepConfig, step
from motia.triggers import http

motia = Motia()


async def ping(req, ctx):
    return {"status": 200, "body": {"ok": True}}


motia.add_step(step(StepConfig(name="Ping", triggers=[http("GET", "/ping")]), ping), "ping")
motia.set_authenticate(lambda input: True)  # expect: MG229:24  # expect: MG231:1
