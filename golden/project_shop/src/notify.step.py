from motia import queue, step, StepConfig

TOPICS = ("invoice.sent", "payment.failed")


async def notify(input, ctx):
    for topic in TOPICS:
        ctx.logger.info("notify", {"topic": topic})
    await ctx.enqueue({"topic": ctx.trigger.topic, "data": input})


notify_step = step(
    StepConfig(name="Charge", triggers=[queue("payment.failed")], enqueues=["notify.sent"]),
    notify,
)
