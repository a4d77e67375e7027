"""A TS/JS file's `config` (and the top-level `const`s it names) as values: object, array, string,
number, boolean and null literals, template literals of constants, `as const` / `satisfies` / type
assertions, spreads of local objects and arrays, keys of followed objects, names bound by top-level
`const` (found by `module.py`) and, through a `Resolve`, names imported from the project (`imports.py`).
Anything else is a `VUnknown` at its span, for the readers to judge; nothing here fails on any input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from motia_gen.evaluate.typescript.module import Module, read_module
from motia_gen.evaluate.typescript.syntax import Source
from motia_gen.evaluate.typescript.zod import Schema, Zod
from motia_gen.evaluate.values import Value, VDict, VEntry, VList, VScalar, VSchema, VUnknown, to_json

# Expressions that only say something to the type checker: their value is their first named child.
_TRANSPARENT = frozenset(
    {
        "as_expression",
        "satisfies_expression",
        "parenthesized_expression",
        "non_null_expression",
        "type_assertion",
    }
)
MAX_DEPTH = 100  # nesting past it is unknown (and the stack stays small on hostile input)
ReadAs = Literal["value", "schema"]


Resolve = Callable[[str, str, int], "tuple[Evaluator, str] | None"]
"""(specifier, name, depth) → the evaluator of the project module that binds that name, and its name there
(see `imports.py`)."""


class Evaluator:
    """Values of expressions in one module."""

    def __init__(self, module: Module, resolve: Resolve | None = None) -> None:
        self.module = module
        self.resolve = resolve
        self.source = module.source
        self._resolving: set[str] = set()
        literal = lambda node: to_json(self.value(node))  # noqa: E731
        self.zod = Zod(frozenset(module.zod), self.source.text, literal, self.named_schema)

    def value(self, node: Any, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return VUnknown(self.source.span(node))
        kind = node.type
        if kind in _TRANSPARENT:
            inner = node.named_children[0] if node.named_children else None
            return self.value(inner, depth + 1) if inner is not None else VUnknown(self.source.span(node))
        reader = getattr(self, f"_{kind}", None)
        if reader is None:
            return VUnknown(self.source.span(node))
        result: Value = reader(node, depth)
        return result

    # -- literals
    def _string(self, node: Any, depth: int) -> Value:
        text = self.source.text(node)
        return VScalar(_unquote(text[1:-1]) if len(text) >= 2 else "", self.source.span(node))

    def _template_string(self, node: Any, depth: int) -> Value:
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(self.source.text(child))
            elif child.type == "escape_sequence":
                parts.append(_unquote(self.source.text(child)))
            elif child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                found = self.value(inner, depth + 1) if inner is not None else None
                if not isinstance(found, VScalar) or isinstance(found.value, bool) or found.value is None:
                    return VUnknown(self.source.span(node))
                parts.append(_js_text(found.value))
            else:
                return VUnknown(self.source.span(node))
        return VScalar("".join(parts), self.source.span(node))

    def _number(self, node: Any, depth: int) -> Value:
        number = _js_number(self.source.text(node))
        return VUnknown(self.source.span(node)) if number is None else VScalar(number, self.source.span(node))

    def _true(self, node: Any, depth: int) -> Value:
        return VScalar(True, self.source.span(node))

    def _false(self, node: Any, depth: int) -> Value:
        return VScalar(False, self.source.span(node))

    def _null(self, node: Any, depth: int) -> Value:
        return VScalar(None, self.source.span(node))

    def _undefined(self, node: Any, depth: int) -> Value:
        return VScalar(None, self.source.span(node))

    def _unary_expression(self, node: Any, depth: int) -> Value:
        operator, operand = node.child_by_field_name("operator"), node.child_by_field_name("argument")
        if operator is None or operand is None:
            return VUnknown(self.source.span(node))
        found = self.value(operand, depth + 1)
        sign = self.source.text(operator)
        if sign in ("-", "+") and isinstance(found, VScalar) and type(found.value) in (int, float):
            number = found.value if sign == "+" else -found.value  # type: ignore[operator]
            return VScalar(number, self.source.span(node))
        return VUnknown(self.source.span(node))

    # -- names
    def _identifier(self, node: Any, depth: int) -> Value:
        name = self.source.text(node)
        if name == "undefined":
            return VScalar(None, self.source.span(node))
        found = self._named(name, depth + 1, "value")
        return VUnknown(self.source.span(node)) if found is None or isinstance(found, tuple) else found

    def named_schema(self, name: str, depth: int) -> tuple[Schema, bool] | None:
        """The zod schema a name stands for here (a local `const`, or one imported from the project), and
        whether it is optional."""
        found = self._named(name, depth, "schema")
        return found if isinstance(found, tuple) else None

    def _named(self, name: str, depth: int, read: ReadAs) -> Value | tuple[Schema, bool] | None:
        """What `name` is bound to, read as a value or as a zod schema: a top-level `const` of this module,
        or a name imported from the project, read in its own module. A name met again while it is being
        read is None (a cycle)."""
        bound = self.module.bindings.get(name)
        if bound is None:
            imported = self.module.imports.get(name)
            found = self.resolve(*imported, depth) if imported is not None and self.resolve else None
            return None if found is None else found[0]._named(found[1], depth + 1, read)
        if name in self._resolving or depth > MAX_DEPTH:
            return None
        self._resolving.add(name)
        try:
            return self.value(bound, depth) if read == "value" else self.zod.schema(bound, depth)
        finally:
            self._resolving.discard(name)

    def _member_expression(self, node: Any, depth: int) -> Value:
        """`TOPICS.created`: a key of an object this reader can follow."""
        target, key = node.child_by_field_name("object"), node.child_by_field_name("property")
        found = self.value(target, depth + 1) if target is not None and key is not None else None
        if isinstance(found, VDict) and key is not None and key.type == "property_identifier":
            value = found.get(self.source.text(key))
            if value is not None:
                return value
        return VUnknown(self.source.span(node))

    # -- calls: zod schemas only
    def _call_expression(self, node: Any, depth: int) -> Value:
        # Also without an import of zod here: `todoSchema.optional()` on a schema imported from the project
        found = self.zod.schema(node, depth)
        if found is None:
            return VUnknown(self.source.span(node))
        return VSchema(found[0], None, self.source.span(node))

    # -- containers
    def _array(self, node: Any, depth: int) -> Value:
        items: list[Value] = []
        for child in node.named_children:
            if child.type == "spread_element":
                spread = self._spread(child, depth)
                if not isinstance(spread, VList):
                    return VUnknown(self.source.span(node))
                items.extend(spread.items)
            elif child.type != "comment":
                items.append(self.value(child, depth + 1))
        return VList(tuple(items), self.source.span(node))

    def _object(self, node: Any, depth: int) -> Value:
        entries: dict[Any, VEntry] = {}
        for child in node.named_children:
            if child.type == "pair":
                key_node, value_node = child.child_by_field_name("key"), child.child_by_field_name("value")
                key = self._key(key_node) if key_node is not None else None
                if key is None or value_node is None:
                    return VUnknown(self.source.span(node))
                entries.pop(key.value, None)  # a later key replaces an earlier one, at its own place
                entries[key.value] = VEntry(key, self.value(value_node, depth + 1))
            elif child.type == "shorthand_property_identifier":
                key = VScalar(self.source.text(child), self.source.span(child))
                entries.pop(key.value, None)
                entries[key.value] = VEntry(key, self._identifier(child, depth))
            elif child.type == "spread_element":
                spread = self._spread(child, depth)
                if not isinstance(spread, VDict):
                    return VUnknown(self.source.span(node))
                for entry in spread.entries:
                    entries.pop(entry.key.value, None)
                    entries[entry.key.value] = entry
            elif child.type != "comment":  # methods, getters: not data
                return VUnknown(self.source.span(node))
        return VDict(tuple(entries.values()), self.source.span(node))

    def _key(self, node: Any) -> VScalar | None:
        span = self.source.span(node)
        if node.type == "property_identifier":
            return VScalar(self.source.text(node), span)
        if node.type == "string":
            text = self.source.text(node)
            return VScalar(_unquote(text[1:-1]), span)
        if node.type == "number":
            number = _js_number(self.source.text(node))
            return None if number is None else VScalar(_js_text(number), span)
        return None  # computed keys

    def _spread(self, node: Any, depth: int) -> Value:
        inner = node.named_children[0] if node.named_children else None
        return self.value(inner, depth + 1) if inner is not None else VUnknown(self.source.span(node))


def config_value(source: Source, resolve: Resolve | None = None) -> Value | None:
    """The value of the file's exported `config`, or None when it exports none. `resolve` follows names
    imported from the project's modules (none: they are unknown)."""
    module = read_module(source)
    if module.config is None:
        return None
    return Evaluator(module, resolve).value(module.config)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unquote(text: str) -> str:
    """A JS string body with its escapes read (\\n, \\t, \\xHH, \\uHHHH, \\u{H…}; others: the character)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 == len(text):
            out.append(char)
            index += 1
            continue
        code = text[index + 1]
        index += 2
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
        elif code == "x" and _hex(text[index : index + 2], 2):
            out.append(chr(int(text[index : index + 2], 16)))
            index += 2
        elif code == "u" and text[index : index + 1] == "{" and "}" in text[index:]:
            digits = text[index + 1 : text.index("}", index)]
            out.append(chr(int(digits, 16)) if _hex(digits, None) and int(digits, 16) < 0x110000 else digits)
            index += len(digits) + 2
        elif code == "u" and _hex(text[index : index + 4], 4):
            out.append(chr(int(text[index : index + 4], 16)))
            index += 4
        elif code == "\n":
            continue  # a line continuation
        else:
            out.append(code)
    return "".join(out)


def _hex(text: str, length: int | None) -> bool:
    return (
        bool(text)
        and (length is None or len(text) == length)
        and all(c in "0123456789abcdefABCDEF" for c in text)
    )


def _js_number(text: str) -> int | float | None:
    cleaned = text.replace("_", "").lower()
    try:
        if cleaned.startswith(("0x", "0o", "0b")):
            return int(cleaned, 0)
        if cleaned.endswith("n"):
            return int(cleaned[:-1])
        number = float(cleaned)
    except ValueError:
        return None
    return int(number) if number.is_integer() and "." not in cleaned and "e" not in cleaned else number


def _js_text(value: Any) -> str:
    """How JS writes a scalar into a template literal."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
