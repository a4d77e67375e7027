from motia import StepConfig, cron, queue, step
from pydantic import BaseModel


class Placed(BaseModel):
    id: str
    total: float


async def on_placed(input, ctx):
    await ctx.state.set("orders", input["id"], {"total": input["total"] * 2})
    await ctx.enqueue({"topic": "order.retry", "data": {"id": input["id"], "total": input["total"]}})


placed = step(
    StepConfig(
        name="Placed",
        triggers=[queue("order.placed", input=Placed, condition=lambda input, ctx: input["total"] > 0)],
        enqueues=["order.retry"],
    ),
    on_placed,
)


async def sweep(ctx):
    ctx.logger.info("sweep")


sweeper = step(StepConfig(name="Sweep", triggers=[cron("0 * * * *")]), sweep)
