"""The OpenAPI document is the truth about the running app: schemathesis generates requests from it
against a served example (loopback only, a bounded number of examples per operation) and checks that no
request gets a 5xx and every response has a documented status, content type and body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.server import build, copy_example, running

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 40
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


@pytest.mark.parametrize("example", ["orders", "messaging"])
def test_served_example_conforms_to_its_openapi_document(example: str, tmp_path: Path) -> None:
    app = copy_example(example, tmp_path)
    build(app)
    schema = schemathesis.openapi.from_path(app / "dist" / "openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the document has no operations to test"
    with running(app) as server:
        for operation in operations:
            _exercise(operation, server.url)


def _exercise(operation: Any, base_url: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call(base_url=base_url, timeout=10)
        case.validate_response(response, checks=CHECKS)

    check()
