"""The top level of a TS/JS step or stream file: its top-level `const` bindings, the exported `config`
(ES `export` forms and CommonJS `exports.config` / `module.exports`), the names it imports zod's `z` as,
the names it imports from the project's own modules and what it re-exports. Only syntax is looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from motia_gen.evaluate.typescript.syntax import Source


@dataclass
class Module:
    """The top-level `const` bindings of a file, by name, its exported `config` node and the names it
    imports zod's `z` as."""

    source: Source
    bindings: dict[str, Any] = field(default_factory=dict)
    config: Any = None
    zod: set[str] = field(default_factory=set)
    # Names imported from the project's own modules: local name → (specifier, name there), and what the
    # module re-exports: (specifier, {exported: name there}, or None for `export * from`).
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    reexports: list[tuple[str, dict[str, str] | None]] = field(default_factory=list)


def read_module(source: Source) -> Module:
    module = Module(source)
    exported: set[str] = set()
    for statement in source.root.named_children:
        if statement.type == "import_statement":
            module.zod |= _zod_names(source, statement)
            module.imports |= _relative_imports(source, statement)
            continue
        if statement.type == "expression_statement":  # CommonJS: `exports.config = ...`
            found = _commonjs_config(source, statement)
            if found is not None:
                module.config = found
            continue
        declaration = statement
        if statement.type == "export_statement":
            declaration = statement.child_by_field_name("declaration")
            origin = statement.child_by_field_name("source")
            if origin is not None:  # `export * from './a'`, `export { A } from './a'`
                module.reexports.append(_reexport(source, statement, origin))
                continue
            if declaration is None:  # `export { config }`
                exported |= _export_names(source, statement)
                continue
        if declaration is None or declaration.type != "lexical_declaration":
            continue
        if source.text(declaration).split(None, 1)[0] != "const":
            continue
        for declarator in declaration.named_children:
            if declarator.type != "variable_declarator":
                continue
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is None or value is None:
                continue
            if _requires_zod(source, value):  # `const { z } = require('zod')`, `const z = require('zod')`
                module.zod |= _required_names(source, name)
            if name.type != "identifier":
                continue
            module.bindings[source.text(name)] = value
            if source.text(name) == "config" and statement.type == "export_statement":
                module.config = value
    if module.config is None and "config" in exported:
        module.config = module.bindings.get("config")
    if isinstance(module.config, str):  # `module.exports = { config }`: the binding it names
        module.config = module.bindings.get(module.config)
    return module


def _commonjs_config(source: Source, statement: Any) -> Any:
    """The config node of `exports.config = X`, `module.exports.config = X` or `module.exports = { config:
    X }`; a plain name for `module.exports = { config }` (a binding, looked up once all are known)."""
    assignment = statement.named_children[0] if statement.named_children else None
    if assignment is None or assignment.type != "assignment_expression":
        return None
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if left is None or right is None:
        return None
    target = source.text(left).replace(" ", "")
    if target in ("exports.config", "module.exports.config"):
        return right
    if target != "module.exports" or right.type != "object":
        return None
    for member in right.named_children:
        if member.type == "shorthand_property_identifier" and source.text(member) == "config":
            return "config"
        key = member.child_by_field_name("key") if member.type == "pair" else None
        if key is not None and source.text(key).strip("'\"") == "config":
            return member.child_by_field_name("value")
    return None


def _requires_zod(source: Source, value: Any) -> bool:
    if value.type != "call_expression":
        return False
    callee, arguments = value.child_by_field_name("function"), value.child_by_field_name("arguments")
    if callee is None or arguments is None or source.text(callee) != "require":
        return False
    return [source.text(a).strip("'\"`") for a in arguments.named_children] in (
        ["zod"],
        ["zod/v3"],
        ["zod/v4"],
    )


def _required_names(source: Source, pattern: Any) -> set[str]:
    if pattern.type == "identifier":
        return {source.text(pattern)}
    names: set[str] = set()
    for part in pattern.named_children if pattern.type == "object_pattern" else ():
        if part.type == "shorthand_property_identifier_pattern" and source.text(part) == "z":
            names.add("z")
        elif part.type == "pair_pattern":
            key, value = part.child_by_field_name("key"), part.child_by_field_name("value")
            if (
                key is not None
                and value is not None
                and source.text(key) == "z"
                and value.type == "identifier"
            ):
                names.add(source.text(value))
    return names


def _zod_names(source: Source, statement: Any) -> set[str]:
    """`z` in `import { z } from 'zod'`, `import * as z from 'zod'` or `import z from 'zod'`."""
    origin = statement.child_by_field_name("source")
    if origin is None or source.text(origin).strip("'\"") not in ("zod", "zod/v3", "zod/v4"):
        return set()
    names: set[str] = set()
    for clause in statement.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":  # the default import
                names.add(source.text(part))
            elif part.type == "namespace_import":
                names |= {source.text(n) for n in part.named_children if n.type == "identifier"}
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    name = specifier.child_by_field_name("name")
                    alias = specifier.child_by_field_name("alias") or name
                    if name is not None and alias is not None and source.text(name) == "z":
                        names.add(source.text(alias))
    return names


def _specifier(source: Source, node: Any) -> str:
    return source.text(node).strip("'\"`")


def _relative_imports(source: Source, statement: Any) -> dict[str, tuple[str, str]]:
    """`import { A, B as C } from './x'` → {A: ('./x', 'A'), C: ('./x', 'B')}; only the project's own
    modules (relative specifiers), named imports only."""
    origin = statement.child_by_field_name("source")
    specifier = _specifier(source, origin) if origin is not None else ""
    if not specifier.startswith(("./", "../")):
        return {}
    found: dict[str, tuple[str, str]] = {}
    for clause in statement.named_children:
        for part in clause.named_children if clause.type == "import_clause" else ():
            for specifier_node in part.named_children if part.type == "named_imports" else ():
                name = specifier_node.child_by_field_name("name")
                alias = specifier_node.child_by_field_name("alias") or name
                if name is not None and alias is not None:
                    found[source.text(alias)] = (specifier, source.text(name))
    return found


def _reexport(source: Source, statement: Any, origin: Any) -> tuple[str, dict[str, str] | None]:
    names: dict[str, str] | None = None
    for clause in statement.named_children:
        if clause.type == "export_clause":
            names = {}
            for part in clause.named_children:
                name = part.child_by_field_name("name")
                alias = part.child_by_field_name("alias") or name
                if name is not None and alias is not None:
                    names[source.text(alias)] = source.text(name)
    return _specifier(source, origin), names


def _export_names(source: Source, statement: Any) -> set[str]:
    names: set[str] = set()
    for clause in statement.named_children:
        if clause.type == "export_clause":
            for specifier in clause.named_children:
                alias = specifier.child_by_field_name("alias") or specifier.child_by_field_name("name")
                if alias is not None:
                    names.add(source.text(alias))
    return names
