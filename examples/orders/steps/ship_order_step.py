"""The warehouse packs and ships each paid order: work done by people, outside the app. A step with no
triggers (a noop) puts it in the flow, fed by ChargePayment's virtual `order.paid`."""

from motia_types.steps.ship_order import Context, Input

config = {
    "name": "ShipOrder",
    "description": "The warehouse packs and ships the paid order",
    "flows": ["orders"],
    "triggers": [],
    "virtualSubscribes": ["order.paid"],
}


async def handler(_input: Input, _ctx: Context) -> None:
    """Nothing triggers it: Motia registers a step only with a handler, so it has one that does nothing."""
