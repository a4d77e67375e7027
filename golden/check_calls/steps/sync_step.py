from motia import enqueue, stateManager

config = {"type": "event", "name": "Sync", "subscribes": ["done"], "emits": ["later"]}


def handler(data, ctx):
    ctx.state.set("counts", "sync", 1)  # expect: MG233
    stateManager.set("counts", "plain", 1)
    enqueue({"topic": "later", "data": {}})
