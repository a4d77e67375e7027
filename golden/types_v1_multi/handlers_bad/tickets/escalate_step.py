from motia import Motia, StepConfig, cron

motia = Motia()


async def escalate(ctx):
    stale = await ctx.streams.tickets.get_group("all")
    for ticket in stale:
        if ticket["status"] == "open" and ticket.get("assignee") is None:
            await ctx.enqueue({"topic": "ticket.reopened", "data": {**ticket, "status": "stale"}})  # expect: MG300
            await ctx.enqueue({"topic": "ticket.updated", "data": ticket})  # expect: MG300


motia.add_step(
    StepConfig(name="Escalate", triggers=[cron("0 9 * * 1-5")], enqueues=["ticket.reopened"]), "escalate", escalate
)
