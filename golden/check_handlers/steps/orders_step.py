config = {
    "type": "api",
    "name": "PlaceOrder",
    "path": "/orders/:orderId",
    "method": "POST",
    "emits": ["order.placed", "order.audited", "order.cancelled"],  # expect: MG209  # expect: MG204
    "responseSchema": {201: {"type": "object"}, 400: {"type": "object"}},
}


async def handler(req, context):
    order_id = req["pathParams"]["orderid"]  # expect: MG253
    await context.emit({"topic": "order.plcaed", "data": {"id": order_id}})  # expect: MG200
    await context.emit({"type": "order.placed", "data": {"id": order_id}})  # expect: MG201
    await context.emit({"topic": "order.placed", "data": {"id": order_id}, "messageGroupId": order_id})
    await context.emit({"topic": "order.audited", "data": {"total": "12"}})  # expect: MG203  # expect: MG208
    await context.streams.order.set("all", order_id, {"id": order_id})  # expect: MG252
    if not order_id:
        return {"status": 404, "body": {}}  # expect: MG254
    return {"status": 201, "body": {"id": order_id}}
