from decimal import Decimal

from googleapiclient.discovery import build


def sheet_client(key):
    return build("sheets", "v4", developerKey=key)


def total(items):
    return sum((Decimal(str(i["price"])) * i["quantity"] for i in items), Decimal("0"))
