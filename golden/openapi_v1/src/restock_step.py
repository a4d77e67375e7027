from motia import StepConfig, http, step

from src.models import Item


async def restock(req, ctx):
    await ctx.enqueue({"topic": "item.restocked", "data": req.body})
    return {"status": 202, "body": {"accepted": True}}


restock_step = step(
    StepConfig(
        name="Restock",
        flows=["inventory", "purchasing"],
        triggers=[
            http(
                "POST",
                "/restock",
                body_schema=Item,
                response_schema={
                    202: {
                        "type": "object",
                        "properties": {"accepted": {"const": True}},
                        "required": ["accepted"],
                    }
                },
            )
        ],
        enqueues=["item.restocked"],
    ),
    restock,
)
