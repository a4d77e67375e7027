"""Value types: queue config, query params, enqueue declarations, API request and response, trigger info."""

from __future__ import annotations

import pytest
from motia import ApiRequest, ApiResponse, Enqueue, QueryParam, QueueConfig, TriggerInfo


def test_queue_config_defaults_are_motias() -> None:
    config = QueueConfig()
    assert (config.type, config.max_retries, config.visibility_timeout, config.delay_seconds) == (
        "standard",
        3,
        30,
        0,
    )
    assert (config.concurrency, config.backoff_type, config.backoff_delay_ms) == (None, None, None)


def test_queue_config_is_keyword_only_like_the_compiler_reads_it() -> None:
    with pytest.raises(TypeError):
        QueueConfig("fifo")  # type: ignore[call-arg]


def test_queue_config_validates_values() -> None:
    with pytest.raises(ValueError, match="queue type must be 'standard' or 'fifo', not 'priority'"):
        QueueConfig(type="priority")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries must be at least 0"):
        QueueConfig(max_retries=-1)
    with pytest.raises(TypeError, match="visibility_timeout must be an integer"):
        QueueConfig(visibility_timeout=True)
    with pytest.raises(ValueError, match="concurrency must be at least 1"):
        QueueConfig(concurrency=0)


def test_queue_config_from_mapping_reads_both_spellings() -> None:
    config = QueueConfig.from_mapping(
        {"backoffType": "exponential", "backoff_delay_ms": 500, "concurrency": 2}
    )
    assert config == QueueConfig(backoff_type="exponential", backoff_delay_ms=500, concurrency=2)


def test_query_param_and_its_dict_form() -> None:
    assert QueryParam("page", "Page number") == QueryParam.from_mapping(
        {"name": "page", "description": "Page number"}
    )
    assert QueryParam("q").description is None
    with pytest.raises(ValueError, match="query parameter is missing required key 'name'"):
        QueryParam.from_mapping({"description": "x"})
    with pytest.raises(ValueError, match="query parameter name must not be empty"):
        QueryParam("")


def test_enqueue_and_its_dict_form() -> None:
    assert Enqueue("order.created") == Enqueue("order.created", None, False)
    assert Enqueue.from_mapping({"topic": "t", "label": "maybe", "conditional": True}) == Enqueue(
        "t", "maybe", True
    )
    with pytest.raises(ValueError, match="unknown key 'type' in enqueue; use 'topic'"):
        Enqueue.from_mapping({"type": "t"})
    with pytest.raises(TypeError, match="enqueue conditional must be True or False"):
        Enqueue("t", conditional="yes")  # type: ignore[arg-type]


def test_api_response_defaults_and_generic_body() -> None:
    assert ApiResponse() == ApiResponse(200, None, {})
    response: ApiResponse[dict[str, str]] = ApiResponse(status=201, body={"id": "1"}, headers={"x-id": "1"})
    assert (response.status, response.body, response.headers) == (201, {"id": "1"}, {"x-id": "1"})
    with pytest.raises(ValueError, match="HTTP status code"):
        ApiResponse(status=600)
    with pytest.raises(AttributeError):
        response.status = 500  # type: ignore[misc]


def make_request() -> ApiRequest[dict[str, str]]:
    return ApiRequest(
        path_params={"id": "42"},
        query_params={"tag": ["a", "b"]},
        body={"text": "hi"},
        headers={"content-type": "application/json"},
    )


def test_api_request_attribute_access() -> None:
    req = make_request()
    assert req.path_params == {"id": "42"}
    assert req.query_params == {"tag": ["a", "b"]}
    assert req.body == {"text": "hi"}
    assert req.headers == {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("camel", "snake", "expected"),
    [
        ("pathParams", "path_params", {"id": "42"}),
        ("queryParams", "query_params", {"tag": ["a", "b"]}),
        ("body", "body", {"text": "hi"}),
        ("headers", "headers", {"content-type": "application/json"}),
    ],
)
def test_api_request_item_access_in_both_spellings(camel: str, snake: str, expected: object) -> None:
    req = make_request()
    assert req[camel] == req[snake] == req.get(camel) == req.get(snake) == expected
    assert camel in req
    assert snake in req


def test_api_request_behaves_like_a_read_only_dict() -> None:
    req = make_request()
    assert list(req) == ["pathParams", "queryParams", "body", "headers"]
    assert len(req) == 4
    assert dict(req)["body"] == {"text": "hi"}
    assert req.get("missing") is None
    assert req.get("missing", {}) == {}
    with pytest.raises(KeyError):
        req["missing"]


def test_api_request_defaults_are_empty() -> None:
    req: ApiRequest[None] = ApiRequest()
    assert (req.path_params, req.query_params, req.body, req.headers) == ({}, {}, None, {})
    assert req.get("body", {}) is None  # dict semantics: the key exists, its value is None


def test_trigger_info() -> None:
    info = TriggerInfo("http", 0, path="/orders", method="POST")
    assert (info.type, info.index, info.path, info.method, info.topic, info.expression) == (
        "http",
        0,
        "/orders",
        "POST",
        None,
        None,
    )
    assert TriggerInfo("queue", 1, topic="t").topic == "t"


def test_request_get_reads_every_spelling_and_defaults_only_for_unknown_keys() -> None:
    request = make_request()
    assert request.get("pathParams") == request.get("path_params") == {"id": "42"}
    assert request.get("body", {}) == {"text": "hi"}
    assert request.get("cookies", "none") == "none"


def test_response_status_must_be_an_integer() -> None:
    with pytest.raises(TypeError, match="response status must be an integer, not str"):
        ApiResponse(status="200")  # type: ignore[type-var]
