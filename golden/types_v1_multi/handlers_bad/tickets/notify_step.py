from motia import StepConfig, queue, step

from tickets.models import Ticket


async def notify_assignee(input, ctx):
    if input["assignee"] is None:
        ctx.logger.warn("unassigned", {"ticket": input["id"]})
        return
    ctx.logger.info("notify", {"to": input["owner"], "title": input["title"]})  # expect: MG300


notify = step(
    StepConfig(name="NotifyAssignee", triggers=[queue("ticket.updated", input=Ticket)])
).handle(notify_assignee)
