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
    if body["age"] < 18:
        return {"status": 422, "body": {"message": "too young", "fields": {"age": "under 18"}}}
    payment = body["payment"]
    credit = 100.0 if payment["method"] == "card" else float(payment["days"])
    city = body.get("address", {}).get("city", "unknown")
    customer: CustomerCreated = {
        "id": body["first-name"],
        "tier": "pro" if body["class"] == "gold" else "free",
        "kind": "person",
        "address": {"street": "", "city": city, "postcode": None},
        "billing": None,
        "tags": [label for phone in body.get("phones", []) for label in [phone.get("label", "")]],
        "credit": credit + body.get("score", 0.5),
        "visits": body["age"] if body["2fa"] else 0,
    }
    for key, limit in body.get("limits", {}).items():
        context.logger.info("limit", {"key": key, "max": limit["max"] + 1})
    for key, value in body.get("metadata", {}).items():
        context.logger.info("metadata", {"key": key, "value": value.upper()})
    contact = body.get("contact", "")
    phone = contact if isinstance(contact, str) else contact["phone"]
    context.logger.info("signup", {"phone": phone, "email": (body["email"] or "").lower()})
    await context.emit({"topic": "customer.created", "data": customer})
    return {"status": 201, "body": customer}
