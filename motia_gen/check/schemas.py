"""Every JSON Schema in the app must be valid against its meta-schema (Draft 2020-12 unless `$schema`
names another draft), or validation at run time would fail or accept anything."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from motia_gen import model
from motia_gen.check.base import CheckInput
from motia_gen.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    from jsonschema.protocols import Validator


def _schemas(app: model.App) -> Iterator[tuple[str, model.Schema]]:
    for step in app.steps:
        for trigger in step.triggers:
            if isinstance(trigger, model.HttpTrigger):
                if trigger.body_schema is not None:
                    yield "bodySchema", trigger.body_schema
                for response in trigger.response_schema:
                    yield f"responseSchema[{response.status}]", response.schema
            elif isinstance(trigger, model.QueueTrigger) and trigger.input is not None:
                yield "input", trigger.input
    for stream in app.streams:
        if stream.schema is not None:
            yield f"schema of stream '{stream.name}'", stream.schema


def schema_problem(schema: object) -> str | None:
    if isinstance(schema, bool):
        return None
    if not isinstance(schema, dict):
        return "a schema must be an object or a boolean"
    # Apps share schemas (one model used by many steps), and meta-validation is costly: once per text.
    return _problem(json.dumps(schema, sort_keys=True))


# Digests of schema texts known to pass meta-validation: those found so far in this process and those a
# previous run found (`remember_valid`, from the compile cache), so that a warm run whose schemas are
# unchanged never loads jsonschema. (A draft's meta-schema is fixed, so validity does not expire.)
_valid: set[str] = set()


def remember_valid(digests: Iterable[str]) -> None:
    _valid.update(digests)


def valid_digests() -> frozenset[str]:
    return frozenset(_valid)


@lru_cache(maxsize=4096)
def _problem(text: str) -> str | None:
    schema = json.loads(text)
    refused = reference_problem(schema)
    if refused is not None:
        return refused
    key = hashlib.sha256(text.encode()).hexdigest()
    if key in _valid:
        return None
    from jsonschema import validators  # noqa: PLC0415 (slow to import; only when a schema is checked)
    from jsonschema.exceptions import best_match  # noqa: PLC0415

    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    error = best_match(_meta_validator(cls).iter_errors(schema))
    if error is None:
        _valid.add(key)
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message}" + (f" (at {where})" if where else "")


_REF_KEYS = ("$ref", "$dynamicRef")
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default", "deprecated"})


def reference_problem(schema: dict[str, object]) -> str | None:
    """What is wrong with the schema's references: only `#...` references inside the schema are followed
    (a URL or a file would be fetched or read at build time), each must point at something, and no chain
    of references may come back to itself without a schema in between (it has no meaning, and resolving
    it never ends)."""
    stack: list[object] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key in _REF_KEYS:
            ref = node.get(key)
            if isinstance(ref, str):
                problem = _ref_problem(schema, ref)
                if problem is not None:
                    return problem
        stack.extend(node.values())
    return None


def _ref_problem(root: dict[str, object], ref: str) -> str | None:
    if not ref.startswith("#"):
        return (
            f"$ref {ref!r} points outside the schema; only references inside it ('#/$defs/...') are followed"
        )
    seen: set[str] = set()
    while True:
        if ref in seen:
            return f"$ref {ref!r} is part of a loop of references with no schema in between"
        seen.add(ref)
        target = _resolve(root, ref)
        if target is _MISSING:
            return f"$ref {ref!r} points at nothing in the schema"
        if not isinstance(target, dict) or not set(target) - _ANNOTATIONS <= {"$ref"}:
            return None  # a schema of its own: recursion through it is fine
        following = target.get("$ref")
        if not isinstance(following, str) or not following.startswith("#"):
            return None
        ref = following


_MISSING = object()


def _resolve(root: object, ref: str) -> object:
    """The JSON Pointer fragment of `ref` in `root` (`#` is the root), or `_MISSING`."""
    node = root
    pointer = ref[1:]
    if not pointer:
        return node
    if not pointer.startswith("/"):
        return _MISSING  # an anchor name (`#node`): left to the validators, which know `$anchor`
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


@cache
def _meta_validator(cls: type[Validator]) -> Validator:
    from jsonschema import validators  # noqa: PLC0415

    """What `check_schema` builds on every call, built once per draft."""
    return validators.validator_for(cls.META_SCHEMA)(cls.META_SCHEMA)


def json_schemas(check: CheckInput) -> Iterator[Diagnostic]:
    for label, schema in _schemas(check.app):
        problem = schema_problem(schema.json)
        if problem is not None:
            yield diag("MG222", schema.span, f"{label} is not a valid JSON Schema: {problem}")


FILE_RULES = (json_schemas,)
