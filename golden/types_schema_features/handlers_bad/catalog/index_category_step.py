from motia import queue, step
from motia_types.steps.index_category import Input
from steps.models import Category


def count(category: Input) -> int:
    return 1 + sum(count(child) for child in category.get("children", 0))  # expect: MG300


async def index_category(input, ctx):
    total = count(input)
    deepest = [grandchild["label"] for child in input.get("children", []) for grandchild in child.get("children", [])]  # expect: MG300
    await ctx.state.set("categories", input["name"], {"total": total, "deepest": deepest})


indexer = step({"name": "IndexCategory", "triggers": [queue("category.saved", input=Category)]}, index_category)
