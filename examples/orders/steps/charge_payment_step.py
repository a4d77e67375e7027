"""Charges each reserved order. The payment provider times out on the first try of every order, so each
payment succeeds on its retry: the queue's retries with backoff at work."""

from motia import Enqueue, StepConfig, queue, step
from motia_types.steps.charge_payment import Context, Input
from motia_types.streams import Orders

from steps.models import Order


class PaymentTimeout(Exception):
    pass


async def charge(order: Input, ctx: Context) -> None:
    counted = await ctx.state.update(
        "payment-attempts", order["orderId"], [{"type": "increment", "path": "count", "by": 1}]
    )
    attempts = counted["new_value"]["count"]
    if attempts == 1:
        raise PaymentTimeout(f"payment provider timed out for {order['orderId']}")
    status: Orders = {"orderId": order["orderId"], "customerId": order["customerId"], "status": "paid"}
    await ctx.state.set("orders", order["orderId"], status)
    await ctx.streams.orders.set(order["customerId"], order["orderId"], status)
    ctx.logger.info("Order paid", {"orderId": order["orderId"], "attempts": attempts})


charge_payment = step(
    StepConfig(
        name="ChargePayment",
        description="Charges the customer for a reserved order",
        flows=["orders"],
        triggers=[queue("order.reserved", input=Order, config={"maxRetries": 3, "backoffDelayMs": 20})],
        # The warehouse takes over from here, outside the app: drawn in the flow, never delivered.
        virtual_enqueues=[Enqueue(topic="order.paid", label="Paid")],
    ),
    charge,
)
