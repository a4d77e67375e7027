import motia
from motia import StepConfig, step
from motia.triggers import queue


def http(method, path):
    """A local function that happens to be called http: not a trigger."""
    return {"method": method, "path": path}


LOCAL = http("GET", "/not-a-trigger")


async def on_ping(input, ctx):
    await ctx.enqueue({"topic": "order.logged", "data": input})


pinged = step(StepConfig(name="OnPing", triggers=[queue("order.pinged")], enqueues=["order.logged"]), on_ping)


async def log_it(input, ctx):
    ctx.logger.info("logged")


logged = step(StepConfig(name="OnLogged", triggers=[queue("order.logged")])).handle(log_it)

app = motia.Motia()


async def audit(input, ctx):
    ctx.logger.info("audit")


app.add_step(StepConfig(name="Audit", triggers=[queue("order.audited")]), "audit", audit)
