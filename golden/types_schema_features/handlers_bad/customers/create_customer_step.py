from motia_types.topics import CustomerCreated
from steps.models import Customer, Problem

SIGNUP = {
    "type": "object",
    "properties": {
        "first-name": {"type": "string"},
        "class": {"type": "string", "enum": ["gold", "silver"]},
        "2fa": {"type": "boolean"},
        "email": {"type": ["string", "null"]},
        "source": {"const": "web"},
        "age": {"type": "integer"},
        "score": {"type": "number"},
        "address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
            "required": ["city"],
        },
        "phones": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"label": {"type": "string"}, "number": {"type": "string"}},
                "required": ["number"],
            },
        },
        "contact": {
            "anyOf": [
                {"type": "string"},
                {"type": "object", "properties": {"phone": {"type": "string"}}, "required": ["phone"]},
            ]
        },
        "payment": {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"method": {"const": "card"}, "last4": {"type": "string"}},
                    "required": ["method", "last4"],
                },
                {
                    "type": "object",
                    "properties": {"method": {"const": "invoice"}, "days": {"type": "integer"}},
                    "required": ["method", "days"],
                },
            ]
        },
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "limits": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"max": {"type": "integer"}},
                "required": ["max"],
            },
        },
    },
    "required": ["first-name", "class", "2fa", "email", "age", "payment"],
    "additionalProperties": False,
}

config = {
    "type": "api",
    "name": "CreateCustomer",
    "path": "/customers",
    "method": "POST",
    "emits": ["customer.created"],
    "bodySchema": SIGNUP,
    "responseSchema": {201: Customer.model_json_schema(), 422: Problem.model_json_schema()},
}


async def handler(req, context):
    body = req["body"]
    if body["age"] < 18 or body["first_name"] == "":  # expect: MG300
        return {"status": 422, "body": {"message": "too young", "fields": {"age": 18}}}  # expect: MG300
    payment = body["payment"]
    credit = 100.0 if payment["method"] == "card" else float(payment["days"])
    context.logger.info("card", {"last4": payment["last4"]})  # expect: MG300
    city = body.get("address", {}).get("city", "unknown")
    customer: CustomerCreated = {
        "id": body["first-name"],
        "tier": "pro" if body["class"] == "platinum" else "enterprise",  # expect: MG300
        "kind": "person",
        "address": {"street": "", "city": city, "postcode": None},
        "billing": None,
        "tags": [label for phone in body.get("phones", []) for label in [phone.get("label", "")]],
        "credit": credit + body.get("score", 0.5),
        "visits": body["age"] if body["2fa"] else 0.5,  # expect: MG300
    }
    for key, limit in body.get("limits", {}).items():
        context.logger.info("limit", {"key": key, "max": limit["max"].upper()})  # expect: MG300
    for key, value in body.get("metadata", {}).items():
        context.logger.info("metadata", {"key": key, "value": value.upper()})
    contact = body.get("contact", "")
    phone = contact if isinstance(contact, str) else contact["phone"]
    context.logger.info("signup", {"phone": phone, "email": body["email"].lower()})  # expect: MG300
    await context.emit({"topic": "customer.created", "data": customer})
    return {"status": 201, "body": {"id": customer["id"], "tier": customer["tier"]}}  # expect: MG300
