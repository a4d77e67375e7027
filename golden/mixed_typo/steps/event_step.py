config = {
    "name": "ProcessMessage",
    "type": "event",
    "subscribes": ["message.snet"],  # expect: MG232:20
    "emits": ["message.processed"],
    "flows": ["messaging"]
}

async def handler(input_data, context):
    text = input_data.get("text")
    user_id = input_data.get("userId")
    processed_message = {"text": text, "userId": user_id, "status": "processed"}
    await context.state.set("processed", user_id, processed_message)
    context.logger.info("Message processed", {"userId": user_id})
    await context.emit({"topic": "message.processed", "data": processed_message})
