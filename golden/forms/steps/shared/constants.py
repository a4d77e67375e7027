PREFIX = "/api"
ORDER_CREATED = "order.created"
BASE = {"flows": ["orders"], "description": "shared description"}
TOPICS = ["order.audited", "order.archived"]
