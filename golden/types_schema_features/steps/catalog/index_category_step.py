from motia import queue, step
from motia_types.steps.index_category import Input
from steps.models import Category


def count(category: Input) -> int:
    return 1 + sum(count(child) for child in category.get("children", []))


async def index_category(input, ctx):
    total = count(input)
    deepest = [grandchild["name"] for child in input.get("children", []) for grandchild in child.get("children", [])]
    await ctx.state.set("categories", input["name"], {"total": total, "deepest": deepest})


indexer = step({"name": "IndexCategory", "triggers": [queue("category.saved", input=Category)]}, index_category)
