"""The HTTP side: routing, requests as handlers see them, responses, errors, middleware, conditions, body
checks and limits, CORS and the system routes. Every response carries X-Trace-Id."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from motia import ApiRequest, ApiResponse
from motia.runtime import Runtime
from motia.spec import RuntimeSettings
from motia.storage.memory import MemoryBackend
from motia.testing import TestApp
from motia.validation import schema_validator
from motia.web.app import HttpApp, route_pattern

from tests.runtime.specs import app, ok, route, run, step, subscription

ORDER = schema_validator(
    {
        "type": "object",
        "properties": {"item": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}},
        "required": ["item", "qty"],
    },
    "request body",
)


def traced(response: Any) -> str:
    trace = response.headers["x-trace-id"]
    assert len(trace) == 32
    return str(trace)


def test_a_route_answers_with_json_and_a_trace_id() -> None:
    seen: list[tuple[Any, Any]] = []

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        seen.append((req, ctx))
        return {"status": 201, "body": {"id": "o-1"}, "headers": {"X-Custom": "yes"}}

    spec = app(routes=(route(step(handler, "Create"), "POST", "/orders", index=2),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/orders", json={"item": "book"})
            assert response.status_code == 201
            assert response.json() == {"id": "o-1"}
            assert response.headers["content-type"] == "application/json"
            assert response.headers["x-custom"] == "yes"
            req, ctx = seen[0]
            assert isinstance(req, ApiRequest)
            assert req.body == req["body"] == {"item": "book"}
            assert ctx.trace_id == traced(response)
            assert (ctx.trigger.type, ctx.trigger.index, ctx.trigger.method, ctx.trigger.path) == (
                "http",
                2,
                "POST",
                "/orders",
            )

    run(scenario)


def test_v1_handlers_get_input_and_ctx_or_only_the_request() -> None:
    calls: list[tuple[Any, ...]] = []

    async def two(req: Any, ctx: Any) -> ApiResponse[Any]:
        calls.append((req, ctx))
        return ApiResponse(body={"two": True})

    async def one(req: Any) -> ApiResponse[Any]:
        calls.append((req,))
        return ApiResponse(status=202, body={"one": True})

    spec = app(
        routes=(
            route(step(two, "Two", form="v1"), "GET", "/two"),
            route(step(one, "One", form="v1", arity=1), "GET", "/one"),
        )
    )

    async def scenario() -> None:
        async with TestApp(spec) as client:
            two_response = await client.get("/two")
            one_response = await client.get("/one")
            assert (two_response.status_code, two_response.json()) == (200, {"two": True})
            assert (one_response.status_code, one_response.json()) == (202, {"one": True})
            assert [len(call) for call in calls] == [2, 1]
            assert isinstance(calls[1][0], ApiRequest)

    run(scenario)


def test_sync_handlers_run_in_a_worker_thread() -> None:
    threads: list[threading.Thread] = []

    def handler(req: Any, ctx: Any) -> dict[str, Any]:
        threads.append(threading.current_thread())
        return {"status": 200, "body": "done"}

    spec = app(routes=(route(step(handler), "GET", "/sync"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get("/sync")
            assert (response.status_code, response.text) == (200, "done")
            assert len(threads) == 1
            assert threads[0] is not threading.main_thread()

    run(scenario)


def test_path_params_query_params_and_headers() -> None:
    seen: list[ApiRequest[Any, Any, Any]] = []

    async def handler(req: ApiRequest[Any, Any, Any], ctx: Any) -> dict[str, Any]:
        seen.append(req)
        return {"status": 200, "body": None}

    spec = app(routes=(route(step(handler), "GET", "/users/:userId/posts/:postId"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get(
                "/users/u%201/posts/42?tag=a&tag=b&page=2&empty=",
                headers=[("X-Token", "t"), ("Accept", "application/json"), ("X-Many", "1"), ("X-Many", "2")],
            )
            assert response.status_code == 200
            assert response.content == b""
            req = seen[0]
            assert req.path_params == {"userId": "u 1", "postId": "42"}
            assert req["pathParams"] is req.path_params
            assert req.query_params == {"tag": ["a", "b"], "page": "2", "empty": ""}
            assert req.headers["x-token"] == "t"
            assert req.headers["accept"] == "application/json"
            assert req.headers["x-many"] == "1, 2"
            assert req.body is None
            # A trailing slash finds the same route.
            assert (await client.get("/users/u/posts/1/")).status_code == 200

    run(scenario)


def test_static_paths_win_over_patterns_and_methods_pick_among_patterns() -> None:
    async def mine(req: Any, ctx: Any) -> dict[str, Any]:
        return {"body": "mine"}

    async def by_id(req: Any, ctx: Any) -> dict[str, Any]:
        return {"body": f"id {req.path_params['id']}"}

    async def update(req: Any, ctx: Any) -> dict[str, Any]:
        return {"body": f"update {req.path_params['name']}"}

    spec = app(
        routes=(
            route(step(by_id, "ById"), "GET", "/pets/:id"),
            route(step(update, "Update"), "PUT", "/pets/:name"),
            route(step(mine, "Mine"), "GET", "/pets/mine"),
        )
    )

    async def scenario() -> None:
        async with TestApp(spec) as client:
            assert (await client.get("/pets/mine")).text == "mine"
            assert (await client.get("/pets/7")).text == "id 7"
            assert (await client.put("/pets/rex")).text == "update rex"
            response = await client.delete("/pets/7")
            assert response.status_code == 405
            assert response.headers["allow"] == "GET, HEAD, PUT"

    run(scenario)


def test_unknown_paths_are_404_and_other_methods_405_both_traced() -> None:
    spec = app(routes=(route(step(ok), "GET", "/things"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            missing = await client.get("/nothing")
            assert (missing.status_code, missing.json()) == (404, {"error": "Not Found"})
            traced(missing)
            wrong = await client.post("/things", json={})
            assert (wrong.status_code, wrong.json()) == (405, {"error": "Method Not Allowed"})
            assert wrong.headers["allow"] == "GET, HEAD"
            traced(wrong)
            head = await client.request("HEAD", "/things")
            assert head.status_code == 200
            assert head.content == b""
            assert head.headers["content-length"] == str(len(b'{"ok":true}'))
            head_missing = await client.request("HEAD", "/nothing")
            assert (head_missing.status_code, head_missing.content) == (404, b"")
            traced(head_missing)

    run(scenario)


def test_request_bodies_by_content_type() -> None:
    bodies: list[Any] = []

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        bodies.append(req.body)
        return {"status": 204}

    spec = app(routes=(route(step(handler), "POST", "/in"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            await client.post("/in", content="hello", headers={"content-type": "text/plain"})
            await client.post("/in")
            await client.post(
                "/in", content="a=1&a=2&b=x", headers={"content-type": "application/x-www-form-urlencoded"}
            )
            await client.post(
                "/in", content=b"\x00\x01", headers={"content-type": "application/octet-stream"}
            )
            await client.post("/in", content=b'{"n": 1}')  # no content type, but JSON
            await client.post("/in", content=b"plain words")  # no content type, not JSON
            response = await client.post("/in", json=[1, 2])
            assert response.status_code == 204
            assert response.content == b""
        assert bodies == [
            "hello",
            None,
            {"a": ["1", "2"], "b": "x"},
            b"\x00\x01",
            {"n": 1},
            "plain words",
            [1, 2],
        ]

    run(scenario)


def test_invalid_json_is_400_before_the_handler() -> None:
    calls: list[Any] = []

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        calls.append(req)
        return {"status": 200}

    spec = app(routes=(route(step(handler), "POST", "/in"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post(
                "/in", content=b"{nope", headers={"content-type": "application/json"}
            )
            assert response.status_code == 400
            assert response.json()["error"] == "invalid JSON"
            assert "detail" in response.json()
            traced(response)
        assert calls == []

    run(scenario)


def test_a_body_schema_is_enforced_before_the_handler() -> None:
    calls: list[Any] = []

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        calls.append(req.body)
        return {"status": 201, "body": req.body}

    spec = app(routes=(route(step(handler), "POST", "/orders", body=ORDER),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            bad = await client.post("/orders", json={"item": 3, "qty": 0})
            assert bad.status_code == 400
            traced(bad)
            assert bad.json() == {
                "error": "invalid request body",
                "errors": [
                    {"path": "/item", "message": "3 is not of type 'string'"},
                    {"path": "/qty", "message": "0 is less than the minimum of 1"},
                ],
            }
            missing = await client.post("/orders")
            assert missing.status_code == 400
            assert missing.json()["errors"][0]["path"] == ""
            text = await client.post("/orders", content="item=book", headers={"content-type": "text/plain"})
            assert text.status_code == 415
            assert text.json()["expected"] == "application/json"
            assert calls == []
            good = await client.post("/orders", json={"item": "book", "qty": 1})
            assert good.status_code == 201
            assert calls == [{"item": "book", "qty": 1}]

    run(scenario)


def test_bodies_over_the_limit_are_413_by_length_and_while_streaming() -> None:
    calls: list[Any] = []

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        calls.append(req.body)
        return {"status": 200, "body": len(req.body)}

    spec = app(routes=(route(step(handler), "POST", "/upload"),), settings=RuntimeSettings(body_limit=10))

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"xxxxx"

    async def scenario() -> None:
        async with TestApp(spec) as client:
            declared = await client.post("/upload", content=b"x" * 11, headers={"content-type": "text/plain"})
            assert (declared.status_code, declared.json()) == (
                413,
                {"error": "request body too large", "limit": 10},
            )
            traced(declared)
            streamed = await client.post("/upload", content=chunks(), headers={"content-type": "text/plain"})
            assert streamed.status_code == 413
            assert "content-length" not in streamed.request.headers
            traced(streamed)
            fits = await client.post("/upload", content=b"x" * 10, headers={"content-type": "text/plain"})
            assert (fits.status_code, fits.json()) == (200, 10)
        assert calls == ["x" * 10]

    run(scenario)


def test_raw_string_and_bytes_bodies_and_explicit_content_types() -> None:
    async def text(req: Any, ctx: Any) -> dict[str, Any]:
        return {"status": 200, "body": "héllo"}

    async def data(req: Any, ctx: Any) -> ApiResponse[bytes]:
        return ApiResponse(body=b"\x89PNG")

    async def csv(req: Any, ctx: Any) -> dict[str, Any]:
        return {"body": "a,b\n1,2", "headers": {"Content-Type": "text/csv"}}

    async def cookies(req: Any, ctx: Any) -> dict[str, Any]:
        return {"status": 200, "body": {"n": 1.5}, "headers": {"set-cookie": ["a=1", "b=2"], "x-count": 3}}

    spec = app(
        routes=(
            route(step(text, "Text"), "GET", "/text"),
            route(step(data, "Data"), "GET", "/data"),
            route(step(csv, "Csv"), "GET", "/csv"),
            route(step(cookies, "Cookies"), "GET", "/cookies"),
        )
    )

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get("/text")
            assert response.headers["content-type"] == "text/plain; charset=utf-8"
            assert response.text == "héllo"
            response = await client.get("/data")
            assert response.headers["content-type"] == "application/octet-stream"
            assert response.content == b"\x89PNG"
            response = await client.get("/csv")
            assert (response.status_code, response.headers["content-type"]) == (200, "text/csv")
            assert response.text == "a,b\n1,2"
            response = await client.get("/cookies")
            assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
            assert response.headers["x-count"] == "3"
            assert response.json() == {"n": 1.5}

    run(scenario)


@pytest.mark.parametrize(
    "result",
    [
        None,
        "just a string",
        ["a", "list"],
        {"status": "200", "body": {}},
        {"status": 99, "body": {}},
        {"status": True},
        {"status": 200, "body": {1, 2}},
        {"status": 200, "body": float("nan")},
        {"ok": True},
        {"status": 200, "headers": {"x-bad": "a\r\nb"}},
        {"status": 200, "headers": ["x"]},
    ],
)
def test_a_handler_returning_garbage_is_500(result: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def handler(req: Any, ctx: Any) -> Any:
        return result

    spec = app(routes=(route(step(handler), "GET", "/garbage"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get("/garbage")
            assert response.status_code == 500
            assert response.json() == {"error": "Internal Server Error", "traceId": traced(response)}

    run(scenario)
    assert any(record.name == "motia.http" for record in caplog.records)


class _Unavailable(MemoryBackend):
    """A store that cannot be written now (a Redis server that went away)."""

    down = True

    async def get(self, namespace: str, group: str, key: str) -> Any:
        if self.down:
            raise ConnectionError("the store went away")
        return await super().get(namespace, group, key)

    async def check(self) -> str | None:
        return "redis: ConnectionError" if self.down else None


def test_a_failure_while_the_store_is_down_is_503_with_retry_after() -> None:
    async def handler(req: Any, ctx: Any) -> Any:
        return {"status": 200, "body": {"value": await ctx.state.get("g", "k")}}

    backend = _Unavailable()
    spec = app(routes=(route(step(handler), "GET", "/read"),))

    async def scenario() -> None:
        async with TestApp(spec, backend) as client:
            response = await client.get("/read")
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            assert response.json() == {
                "error": "Storage unavailable",
                "traceId": traced(response),
                "problem": "redis: ConnectionError",
            }
            backend.down = False
            assert (await client.get("/read")).status_code == 200  # back: served again

    run(scenario)


def test_an_exception_is_500_with_the_trace_id_and_the_stack_only_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(req: Any, ctx: Any) -> Any:
        raise RuntimeError("secret database password in message")

    spec = app(routes=(route(step(handler), "GET", "/boom"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get("/boom")
            assert response.status_code == 500
            trace = traced(response)
            assert response.json() == {"error": "Internal Server Error", "traceId": trace}
            assert "secret" not in response.text
            assert "Traceback" not in response.text
            assert (await client.get("/boom")).status_code == 500  # and again: nothing broke

    run(scenario)
    failures = [r for r in caplog.records if r.name == "motia.http" and r.exc_info]
    assert failures
    assert "secret database password" in caplog.text
    assert "Traceback" in caplog.text


def test_middleware_runs_first_element_outermost_and_may_short_circuit() -> None:
    order: list[str] = []

    async def outer(req: Any, ctx: Any, next: Any) -> Any:
        order.append("outer in")
        response = await next()
        order.append("outer out")
        response["headers"] = {"x-outer": "1"}
        return response

    def inner(req: Any, ctx: Any, next: Any) -> Any:  # sync middleware: returns next()'s awaitable
        order.append("inner")
        return next()

    async def auth(req: Any, ctx: Any, next: Any) -> Any:
        if req.headers.get("authorization") != "Bearer ok":
            return {"status": 401, "body": {"error": "unauthorized"}}
        return await next()

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        order.append("handler")
        return {"status": 200, "body": {"ok": True}}

    spec = app(routes=(route(step(handler), "GET", "/secure", middleware=(outer, inner, auth)),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            denied = await client.get("/secure")
            assert (denied.status_code, denied.json()) == (401, {"error": "unauthorized"})
            assert denied.headers["x-outer"] == "1"
            traced(denied)
            assert order == ["outer in", "inner", "outer out"]
            order.clear()
            allowed = await client.get("/secure", headers={"authorization": "Bearer ok"})
            assert allowed.status_code == 200
            assert order == ["outer in", "inner", "handler", "outer out"]

    run(scenario)


def test_middleware_can_pass_a_different_request_on_and_sees_validation_failures() -> None:
    seen: list[Any] = []

    async def tag(req: ApiRequest[Any, Any, Any], ctx: Any, next: Any) -> Any:
        request = ApiRequest(
            path_params=req.path_params,
            query_params=req.query_params,
            body=req.body,
            headers={"x-user": "u1"},
        )
        response = await next(request)
        seen.append(response["status"])
        return response

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        return {"status": 200, "body": {"user": req.headers["x-user"]}}

    spec = app(routes=(route(step(handler), "POST", "/orders", body=ORDER, middleware=(tag,)),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/orders", json={"item": "pen", "qty": 2})
            assert response.json() == {"user": "u1"}
            assert (await client.post("/orders", json={})).status_code == 400
            assert seen == [200, 400]

    run(scenario)


def test_a_failing_middleware_is_500() -> None:
    async def broken(req: Any, ctx: Any, next: Any) -> Any:
        raise ValueError("middleware bug")

    spec = app(routes=(route(step(ok), "GET", "/x", middleware=(broken,)),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get("/x")
            assert response.status_code == 500
            traced(response)

    run(scenario)


def test_a_false_condition_is_422_and_skips_the_handler() -> None:
    calls: list[Any] = []

    def only_big(req: Any, ctx: Any) -> bool:
        return bool(req.body and req.body.get("amount", 0) > 100)

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        calls.append(req.body)
        return {"status": 200, "body": {"ok": True}}

    spec = app(routes=(route(step(handler), "POST", "/pay", condition=only_big),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            small = await client.post("/pay", json={"amount": 5})
            assert (small.status_code, small.json()) == (
                422,
                {"error": "Request condition not met", "skipped": True},
            )
            traced(small)
            assert (await client.post("/pay", json={"amount": 500})).status_code == 200
        assert calls == [{"amount": 500}]

    run(scenario)


@pytest.mark.parametrize("setting", [None, (), ("*",)])
def test_cors_allows_every_origin_by_default_with_preflight(setting: Any) -> None:
    settings = RuntimeSettings() if setting is None else RuntimeSettings(cors_origins=setting)
    spec = app(routes=(route(step(ok), "POST", "/x"),), settings=settings)

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/x", headers={"origin": "https://a.example"})
            assert response.headers["access-control-allow-origin"] == "*"
            assert "x-trace-id" in response.headers["access-control-expose-headers"].lower()
            preflight = await client.request(
                "OPTIONS",
                "/x",
                headers={
                    "origin": "https://a.example",
                    "access-control-request-method": "POST",
                    "access-control-request-headers": "content-type, authorization",
                },
            )
            assert preflight.status_code == 200
            assert preflight.headers["access-control-allow-origin"] == "*"
            assert "POST" in preflight.headers["access-control-allow-methods"]
            assert preflight.headers["access-control-allow-headers"] == "content-type, authorization"
            traced(preflight)
            # An OPTIONS request that is not a preflight is routed like any other method.
            plain = await client.request("OPTIONS", "/x")
            assert (plain.status_code, plain.headers["allow"]) == (405, "POST")
            traced(plain)

    run(scenario)


def test_cors_with_a_list_of_origins_and_turned_off() -> None:
    listed = app(
        routes=(route(step(ok), "GET", "/x"),),
        settings=RuntimeSettings(cors_origins=("https://app.example",)),
    )
    off = app(routes=(route(step(ok), "GET", "/x"),), settings=RuntimeSettings(cors_origins=False))
    preflight = {"origin": "https://evil.example", "access-control-request-method": "GET"}

    async def scenario() -> None:
        async with TestApp(listed) as client:
            allowed = await client.get("/x", headers={"origin": "https://app.example"})
            assert allowed.headers["access-control-allow-origin"] == "https://app.example"
            assert allowed.headers["vary"] == "Origin"
            other = await client.get("/x", headers={"origin": "https://evil.example"})
            assert other.status_code == 200
            assert "access-control-allow-origin" not in other.headers
            denied = await client.request("OPTIONS", "/x", headers=preflight)
            assert denied.status_code == 400
            assert "access-control-allow-origin" not in denied.headers
            traced(denied)
            granted = await client.request(
                "OPTIONS", "/x", headers={**preflight, "origin": "https://app.example"}
            )
            assert granted.status_code == 200
            assert granted.headers["access-control-allow-origin"] == "https://app.example"
        async with TestApp(off) as client:
            response = await client.get("/x", headers={"origin": "https://app.example"})
            assert "access-control-allow-origin" not in response.headers
            options = await client.request("OPTIONS", "/x", headers=preflight)
            assert options.status_code == 405
            assert options.headers["allow"] == "GET, HEAD"

    run(scenario)
    with pytest.raises(ValueError, match="cors_origins"):
        RuntimeSettings(cors_origins=3)  # type: ignore[arg-type]


def test_cors_adds_vary_origin_to_every_answer_as_starlette_does() -> None:
    async def varied(req: Any, ctx: Any) -> dict[str, Any]:
        return {"body": "v", "headers": {"Vary": "Accept-Encoding"}}

    routes = (route(step(ok), "GET", "/x"), route(step(varied, "Varied"), "GET", "/varied"))
    every = app(routes=routes)
    listed = app(routes=routes, settings=RuntimeSettings(cors_origins=("https://app.example",)))

    async def scenario() -> None:
        for spec in (every, listed):
            async with TestApp(spec) as client:
                plain = await client.get("/x")
                assert plain.headers["vary"] == "Origin"
                assert "access-control-allow-origin" not in plain.headers
                assert (await client.get("/varied")).headers["vary"] == "Accept-Encoding, Origin"
                missing = await client.get("/nothing")
                assert missing.headers["vary"] == "Origin"
                traced(missing)
                cross = await client.get("/varied", headers={"origin": "https://app.example"})
                assert cross.headers["vary"] == "Accept-Encoding, Origin"

    run(scenario)


def test_a_client_gone_while_its_body_streams_in_gets_no_answer() -> None:
    calls: list[Any] = []

    async def handler(req: Any, ctx: Any) -> dict[str, Any]:
        calls.append(req)
        return {"status": 200}

    spec = app(routes=(route(step(handler), "POST", "/in"),))
    sent: list[Any] = []

    async def scenario() -> None:
        http = HttpApp(Runtime(spec, MemoryBackend()), lifespan=False)
        messages = iter(
            [{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}]
        )

        async def receive() -> Any:
            return next(messages)

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/in",
            "query_string": b"",
            "headers": [(b"content-type", b"application/json")],
        }
        await http(scope, receive, send)

    run(scenario)
    assert (sent, calls) == ([], [])


def test_the_emit_endpoint_enqueues_with_the_request_trace_id() -> None:
    received: list[tuple[Any, str]] = []

    async def handler(data: Any, ctx: Any) -> None:
        received.append((data, ctx.trace_id))

    spec = app(subscriptions=(subscription(step(handler, "Listen"), "order.created"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/emit", json={"topic": "order.created", "data": {"id": "o-1"}})
            assert response.status_code == 200
            assert response.json() == {
                "success": True,
                "emitted": {"topic": "order.created", "data": {"id": "o-1"}},
            }
            await client.wait_idle()
            assert received == [({"id": "o-1"}, traced(response))]
            reserved = {"topic": "__motia.state", "data": {}}  # the runtime's own change topic
            for bad in ({"data": {}}, {"topic": ""}, [1], {"topic": "t", "messageGroupId": 5}, reserved):
                response = await client.post("/emit", json=bad)
                assert response.status_code == 400, bad
                traced(response)
            assert (
                await client.post("/emit", content=b"{", headers={"content-type": "application/json"})
            ).status_code == 400

    run(scenario)


def test_the_emit_endpoint_is_off_unless_the_server_or_the_settings_turn_it_on() -> None:
    async def listen(data: Any, ctx: Any) -> None:
        return None

    listening = (subscription(step(listen, "Listen"), "t"),)
    off = app(subscriptions=listening, settings=RuntimeSettings(emit_endpoint=False))
    default = app(subscriptions=listening)
    on = app(subscriptions=listening, settings=RuntimeSettings(emit_endpoint=True))

    async def status(spec: Any, emit: bool) -> int:
        http = HttpApp(Runtime(spec, MemoryBackend()), lifespan=False, emit=emit)
        await http.runtime.start()
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=http), base_url="http://t"
            ) as client:
                response = await client.post("/emit", json={"topic": "t", "data": {}})
        finally:
            await http.runtime.stop()
        traced(response)
        return response.status_code

    async def scenario() -> None:
        assert await status(default, emit=False) == 404  # a server's default: off
        assert await status(default, emit=True) == 200  # `motia start --emit`, TestApp
        assert await status(off, emit=True) == 404
        assert await status(on, emit=False) == 200

    run(scenario)


def test_emitting_to_a_topic_nobody_subscribes_to_is_422_with_near_misses() -> None:
    received: list[Any] = []

    async def handler(data: Any, ctx: Any) -> None:
        received.append(data)

    spec = app(subscriptions=(subscription(step(handler, "Listen"), "order.created"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            typo = await client.post("/emit", json={"topic": "order.craeted", "data": {"id": 1}})
            assert typo.status_code == 422
            assert typo.json() == {
                "error": "no step subscribes to topic 'order.craeted'",
                "didYouMean": ["order.created"],
            }
            assert (await client.post("/emit", json={"topic": "order.created", "data": 2})).status_code == 200
            await client.wait_idle()
        assert received == [2]

    run(scenario)


def test_the_runtimes_own_endpoints_refuse_other_origins_and_need_json() -> None:
    received: list[Any] = []

    async def handler(data: Any, ctx: Any) -> None:
        received.append(data)

    spec = app(subscriptions=(subscription(step(handler, "Listen"), "t"),))
    evil = {"origin": "https://evil.example"}

    async def scenario() -> None:
        async with TestApp(spec, base_url="http://localhost:3000") as client:
            # A page elsewhere posting a "simple" request (no preflight): refused, nothing enqueued.
            simple = await client.post(
                "/emit", content=b'{"topic": "t", "data": 1}', headers={**evil, "content-type": "text/plain"}
            )
            assert simple.status_code == 403
            assert "access-control-allow-origin" not in simple.headers
            preflight = await client.request(
                "OPTIONS", "/emit", headers={**evil, "access-control-request-method": "POST"}
            )
            assert "access-control-allow-origin" not in preflight.headers
            assert (await client.get("/__motia/health", headers=evil)).status_code == 403
            plain = await client.post("/emit", content=b'{"topic": "t", "data": 1}')
            assert plain.status_code == 415
            same = {"origin": "http://localhost:3000"}
            assert (
                await client.post("/emit", json={"topic": "t", "data": 2}, headers=same)
            ).status_code == 200
            assert (await client.post("/emit", json={"topic": "t", "data": 3})).status_code == 200
            await client.wait_idle()
        assert received == [2, 3]

    run(scenario)


def test_an_app_route_takes_precedence_over_system_routes() -> None:
    async def mine(req: Any, ctx: Any) -> dict[str, Any]:
        return {"body": "my emit"}

    spec = app(routes=(route(step(mine), "POST", "/emit"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            assert (await client.post("/emit", json={"topic": "t"})).text == "my emit"

    run(scenario)


def test_health() -> None:
    async def scenario() -> None:
        async with TestApp(app()) as client:
            response = await client.get("/__motia/health")
            assert (response.status_code, response.json()) == (200, {"status": "ok", "running": True})
            traced(response)

    run(scenario)


def test_route_patterns() -> None:
    pattern, params = route_pattern("/a/:id/b/:name")
    assert params == ("id", "name")
    assert pattern is not None
    match = pattern.fullmatch("/a/1/b/x.json")
    assert match is not None
    assert match.groupdict() == {"id": "1", "name": "x.json"}
    assert pattern.fullmatch("/a/1/b/x/y.json") is None
    assert route_pattern("/plain") == (None, ())
    assert route_pattern("/a:b/:1") == (None, ())  # a parameter is a whole segment, named by an identifier


def test_the_lifespan_starts_and_stops_the_runtime_and_reports_a_failed_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replies: list[Any] = []

    async def lifespan(http: HttpApp) -> list[Any]:
        inbox = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
        replies.clear()

        async def receive() -> Any:
            assert http.runtime.started == (len(replies) == 1)
            return next(inbox)

        async def send(message: Any) -> None:
            replies.append(message)

        await http({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
        return [reply["type"] for reply in replies]

    async def scenario() -> None:
        http = HttpApp(Runtime(app(), MemoryBackend()))
        assert await lifespan(http) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
        assert not http.runtime.started
        broken = HttpApp(Runtime(app(), MemoryBackend()))

        async def fail() -> None:
            raise RuntimeError("no database")

        monkeypatch.setattr(broken.runtime, "start", fail)
        with pytest.raises(RuntimeError, match="no database"):
            await lifespan(broken)
        assert [reply["type"] for reply in replies] == ["lifespan.startup.failed"]
        assert "no database" in replies[0]["message"]

    run(scenario)


def test_a_handler_past_the_http_timeout_is_504_and_the_app_keeps_serving() -> None:
    started = asyncio.Event()

    async def stuck(req: Any, ctx: Any) -> dict[str, Any]:
        started.set()
        await asyncio.sleep(3600)
        return {"status": 200, "body": None}

    async def own_timeout(req: Any, ctx: Any) -> dict[str, Any]:
        raise TimeoutError("the upstream service did not answer")

    spec = app(
        routes=(
            route(step(stuck, "Stuck"), "GET", "/stuck"),
            route(step(own_timeout, "Upstream"), "GET", "/upstream"),
            route(step(ok, "Fine"), "GET", "/fine"),
        ),
        settings=RuntimeSettings(http_timeout=0.2),
    )

    async def scenario() -> None:
        async with TestApp(spec) as client:
            timed_out = await client.get("/stuck")
            assert started.is_set()
            assert timed_out.status_code == 504
            assert timed_out.json() == {
                "error": "Handler timed out",
                "traceId": traced(timed_out),
                "timeoutSeconds": 0.2,
            }
            assert (await client.get("/upstream")).status_code == 500  # its own TimeoutError is an error
            assert (await client.get("/fine")).status_code == 200
            # The watchdog re-arms: a later request, and two at once, are timed out too.
            both = await asyncio.gather(client.get("/stuck"), client.get("/stuck"), client.get("/fine"))
            assert [r.status_code for r in both] == [504, 504, 200]

    run(scenario)


def test_runtime_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="http_timeout must be a positive number"):
        RuntimeSettings(http_timeout=0)
    with pytest.raises(ValueError, match="body_limit"):
        RuntimeSettings(body_limit=-1)
    with pytest.raises(ValueError, match="body_limit"):
        RuntimeSettings(body_limit=True)
    with pytest.raises(ValueError, match="emit_endpoint"):
        RuntimeSettings(emit_endpoint="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone"):
        RuntimeSettings(timezone="")
