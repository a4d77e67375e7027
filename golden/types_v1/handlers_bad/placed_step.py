from motia import StepConfig, cron, queue, step
from pydantic import BaseModel


class Placed(BaseModel):
    id: str
    total: float


async def on_placed(input, ctx):
    await ctx.state.set("orders", input["ident"], {"total": input["total"] * 2})  # expect: MG300
    await ctx.enqueue({"topic": "order.retry", "data": {"id": input["id"]}})  # expect: MG300


placed = step(StepConfig(name="Placed", triggers=[queue("order.placed", input=Placed)], enqueues=["order.retry"]), on_placed)


async def sweep(ctx: int) -> None:  # expect: MG301
    ctx.bit_length()


sweeper = step(StepConfig(name="Sweep", triggers=[cron("0 * * * *")]), sweep)
