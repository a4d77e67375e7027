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
    billing_city = input["billing"]["city"]  # expect: MG300
    context.logger.info("customer", {"tier": input["tier"], "postcode": postcode, "city": billing_city})
    await context.emit(
        {
            "topic": "category.saved",
            "data": {"name": input["kind"], "children": [{"title": tag, "children": []} for tag in input.get("tags", [])]},  # expect: MG300
        }
    )
