import os

from motia import StepConfig, queue, step

from steps.models import Stamped
from steps.nowhere import THING  # a project-looking module that does not exist


def http(method, path):
    return {"method": method, "path": path}


A = B
C = D = None
E = F  # expect: MG108
F = E

config = {
    "type": "api",
    "name": "Dynamic",
    "path": os.environ["API_PATH"],  # expect: MG107
    "method": "GET" if A else "POST",  # expect: MG105
    "emits": [THING],  # expect: MG107
    "bodySchema": Stamped.model_json_schema(),
    "description": E,
    "virtualEmits": [UNKNOWN_TOPIC],  # expect: MG106
    "flows": [x for x in "ab"],  # expect: MG105
}

builder = step(StepConfig(name="LocalHelper", triggers=[http("GET", "/x")]), None)  # expect: MG105  # expect: MG104


async def handler(req, context):
    return {"status": 200, "body": {}}
