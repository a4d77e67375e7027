import motia.typess  # expect: MG116
from motia import logger, queue, stateManger  # expect: MG116
from motia.types_stream import StreamConfg  # expect: MG116
from motia.types import FlowContext

config = {"name": "Later", "triggers": [queue("later")], "enqueues": []}


def handler(data: dict, ctx: FlowContext) -> None:
    logger.info("later", data)
