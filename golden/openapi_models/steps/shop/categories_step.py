from steps.shop.models import Address, Category

config = {
    "type": "api",
    "name": "Categories",
    "path": "/shop/categories",
    "method": "GET",
    "emits": [],
    "flows": ["shop"],
    "responseSchema": {200: Category.model_json_schema(), 203: Address.model_json_schema()},
}


async def handler(req, context):
    return {"status": 200, "body": {"name": "root", "children": []}}
