"""HTTP paths in Motia's form (`/users/:id`): the one reading of path parameters, shared by the checks,
the OpenAPI document, the generated types and the dispatch module.

The grammar: a path is segments joined by `/`; a segment that starts with `:` is a parameter and the rest
of the segment is its name, which must be an identifier and appear once (`problem` says what is wrong with
a path that breaks these rules). A parameter matches one non-empty segment of a request path. The runtime
keeps its own copy for specs built by hand (`motia.web.app.route_pattern`); a test proves the two agree.
"""

from __future__ import annotations

import re

PARAM = ":"


def param(segment: str) -> str | None:
    """The parameter a segment names (`:id` → `id`), or None for a literal segment."""
    return segment[1:] if segment.startswith(PARAM) else None


def params(path: str) -> tuple[str, ...]:
    """`/users/:id/posts/:post` → ("id", "post"): the parameter names, in path order, each once."""
    found: list[str] = []
    for segment in path.split("/"):
        name = param(segment)
        if name and name not in found:
            found.append(name)
    return tuple(found)


def problem(path: str) -> str | None:
    """What is wrong with a path, as the end of a sentence starting "the path …"; None when it is fine."""
    if not path.startswith("/"):
        return "must start with '/'"
    seen: set[str] = set()
    for segment in path.split("/")[1:]:
        name = param(segment)
        if name is None:
            continue
        if not name.isidentifier():
            return f"segment '{segment}' is not a parameter (a name after ':' must be an identifier)"
        if name in seen:
            return f"parameter ':{name}' appears twice"
        seen.add(name)
    if "//" in path:
        return "has an empty segment ('//')"
    return None


def router_key(path: str) -> tuple[str, ...]:
    """`/users/:id/` → ("users", ":"): the segments a router compares, parameter names erased and a
    trailing slash ignored (as the runtime routes: two paths with one key can never both be reached)."""
    stripped = path.strip("/")
    return tuple(PARAM if param(s) is not None else s for s in stripped.split("/")) if stripped else ()


def template(path: str) -> str:
    """`/users/:id` → `/users/{id}`: the OpenAPI path template."""
    return "/".join("{" + name + "}" if (name := param(s)) is not None else s for s in path.split("/"))


def erased(path: str) -> str:
    """`/users/:id` → `/users/:`: paths OpenAPI cannot tell apart (it forbids two templates that differ
    only in parameter names) have one erased form."""
    return "/".join(PARAM if param(s) is not None else s for s in path.split("/"))


def regex(path: str) -> str | None:
    """`/users/:id` → `^/users/(?P<id>[^/]+)$`, the source of the matcher the dispatch module compiles;
    None for a path without parameters (matched by a dict lookup)."""
    if not params(path):
        return None
    parts = [
        f"(?P<{name}>[^/]+)" if (name := param(segment)) is not None else re.escape(segment)
        for segment in path.split("/")
    ]
    return "^" + "/".join(parts) + "$"
