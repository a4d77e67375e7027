from steps.models import Customer

config = {
    "type": "event",
    "name": "OnCustomerCreated",
    "subscribes": ["customer.created"],
    "emits": ["category.saved"],
    "input": Customer.model_json_schema(),
}


async def handler(input, context):
    postcode = input["address"].get("postcode") or "none"
    billing = input.get("billing")
    billing_city = billing["city"] if billing else input["address"]["city"]
    context.logger.info("customer", {"tier": input["tier"], "postcode": postcode, "city": billing_city})
    await context.emit(
        {
            "topic": "category.saved",
            "data": {"name": input["kind"], "children": [{"name": tag, "children": []} for tag in input.get("tags", [])]},
        }
    )
