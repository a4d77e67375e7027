"""Path parameters, read once (`motia_gen.model.routes`), and the runtime's copy agreeing with it."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from motia.web.app import route_pattern

from motia_gen.model import routes


def test_params_are_named_segments_in_order_each_once() -> None:
    assert routes.params("/users/:id/posts/:post") == ("id", "post")
    assert routes.params("/users/me") == ()
    assert routes.params("/a/:x/b/:x") == ("x",)


def test_problems_name_what_is_wrong() -> None:
    assert routes.problem("/users/:id") is None
    assert routes.problem("users") == "must start with '/'"
    assert (
        routes.problem("/a/:1x")
        == "segment ':1x' is not a parameter (a name after ':' must be an identifier)"
    )
    assert routes.problem("/a/:x/:x") == "parameter ':x' appears twice"
    assert routes.problem("/a//b") == "has an empty segment ('//')"


def test_router_keys_erase_names_and_a_trailing_slash() -> None:
    assert routes.router_key("/users/:id/") == routes.router_key("/users/:userId") == ("users", ":")
    assert routes.router_key("/") == ()


def test_openapi_templates_and_erased_forms() -> None:
    assert routes.template("/users/:id/orders/:order_id") == "/users/{id}/orders/{order_id}"
    assert routes.erased("/orders/:id") == routes.erased("/orders/:orderId") == "/orders/:"


def test_regex_matches_one_segment_per_parameter() -> None:
    source = routes.regex("/users/:id/orders/:order_id")
    assert source is not None
    pattern = re.compile(source)
    match = pattern.match("/users/42/orders/a-1")
    assert match is not None
    assert match.groupdict() == {"id": "42", "order_id": "a-1"}
    assert pattern.match("/users/42/orders/") is None
    assert pattern.match("/users/4/2/orders/1") is None
    literal = routes.regex("/a.b/:x")
    assert literal is not None
    assert re.compile(literal).match("/aXb/1") is None  # static parts are literal
    assert routes.regex("/plain") is None


_LITERAL = st.text(alphabet="abz09-_.~:", min_size=1, max_size=6).filter(lambda s: not s.startswith(":"))
_NAME = st.from_regex(r"[a-z_][a-zA-Z0-9_]{0,6}", fullmatch=True)
_SEGMENT = st.one_of(_LITERAL, _NAME.map(lambda name: ":" + name))
_VALUE = st.text(alphabet="abc123-._~%", min_size=1, max_size=5)


@given(
    segments=st.lists(_SEGMENT, min_size=1, max_size=5),
    values=st.lists(_VALUE, min_size=5, max_size=5),
    trailing=st.booleans(),
)
def test_the_runtime_reads_every_valid_path_as_the_compiler_does(
    segments: list[str], values: list[str], trailing: bool
) -> None:
    path = "/" + "/".join(segments)
    if routes.problem(path) is not None:
        return
    pattern, params = route_pattern(path)
    assert params == routes.params(path)
    source = routes.regex(path)
    assert (pattern is None) == (source is None)
    if pattern is None or source is None:
        return
    # A URL made from the path, every parameter filled, and the same URL with one segment too many.
    filled = "/" + "/".join(values[i] if s.startswith(":") else s for i, s in enumerate(segments))
    for url in (filled, filled + "/x", filled + ("/" if trailing else "")):
        compiled = re.match(source, url)
        runtime = pattern.fullmatch(url)
        assert (compiled is None) == (runtime is None), url
        if compiled is not None and runtime is not None:
            assert compiled.groupdict() == runtime.groupdict()
