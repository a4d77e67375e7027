from steps.notify import notify

config = {"type": "event", "name": "Notify", "subscribes": ["order.placed"], "emits": ["order.audited"]}


async def handler(input, context):
    # `notify` may emit 'order.audited' itself: no MG209 for a handler that calls code the analysis cannot see.
    await notify(input, context)
