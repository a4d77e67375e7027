"""`format` in body, input and item schemas: asserted for the formats pydantic's own types write, with
pydantic's parser of each, so a schema taken from a model accepts what the model accepts."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from motia.validation import InvalidData, has_asserted_formats, model_validator, schema_validator
from pydantic import BaseModel
from typing_extensions import TypedDict


class Invoice(BaseModel):
    id: uuid.UUID
    due: datetime.date
    sent_at: datetime.datetime | None = None


class InvoiceShape(TypedDict):  # what the compiler generates for the schema: formats left out
    id: str
    due: str


SCHEMA = Invoice.model_json_schema()
GOOD = {"id": "6f1c2b1e-8a55-4a3e-9a55-0c2b2a1e8a55", "due": "2026-12-31"}


def _issues(check: Any, value: Any) -> list[dict[str, str]]:
    with pytest.raises(InvalidData) as raised:
        check(value)
    return raised.value.issues


BUILDERS = [lambda: schema_validator(SCHEMA), lambda: model_validator(InvoiceShape, SCHEMA)]


@pytest.mark.parametrize("build", BUILDERS, ids=["interpreted", "compiled"])
def test_what_the_model_rejects_is_rejected_at_its_path(build: Any) -> None:
    check = build()
    assert check(GOOD) == GOOD
    Invoice(**GOOD)  # the same value the model takes
    assert _issues(check, {**GOOD, "id": "nope"}) == [{"path": "/id", "message": "'nope' is not a 'uuid'"}]
    assert [i["path"] for i in _issues(check, {**GOOD, "due": "2026-02-30"})] == ["/due"]
    assert [i["path"] for i in _issues(check, {**GOOD, "sent_at": "yesterday"})] == ["/sent_at"]
    with pytest.raises(ValueError, match="validation error"):
        Invoice(**{**GOOD, "due": "2026-02-30"})


def test_formats_pydantic_does_not_check_stay_annotations() -> None:
    schema = {"type": "object", "properties": {"host": {"type": "string", "format": "hostname"}}}
    assert not has_asserted_formats(schema)
    assert schema_validator(schema)({"host": "not a host name!"}) == {"host": "not a host name!"}


def test_only_strings_are_parsed_for_their_format() -> None:
    schema = {"anyOf": [{"type": "string", "format": "date"}, {"type": "integer"}]}
    assert schema_validator(schema)(7) == 7
    assert has_asserted_formats(schema)
    assert not has_asserted_formats({"type": "string", "examples": [{"format": "date"}]})
