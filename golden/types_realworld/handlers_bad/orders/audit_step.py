config = {
    "type": "event",
    "name": "AuditOrder",
    "subscribes": ["order.processed"],
    "emits": [],
    "flows": ["orders"],
    "input": {"type": "object"},
}


def handler(input, context):
    context.logger.info("audit", {"keys": sorted(input)})
