"""Parse one Python file with libcst into a `ModuleIR` (module-level bindings, classes, functions, calls).

Qualified names come from the module's own import table rather than libcst's QualifiedNameProvider: the
config and helper calls we resolve are all module-level, and the provider costs about ten times the parse
itself (measured in docs/benchmarks.md), which would dominate compiling a large app.
"""

from __future__ import annotations

import ast
import codecs
from collections.abc import Iterator, Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.parse import ir
from motia_gen.parse.bodies import BodyVisitor
from motia_gen.parse.expressions import ExpressionConverter


def to_span(path: str, code_range: CodeRange) -> Span:
    """libcst columns are 0-based; ours are 1-based. The one place that converts."""
    start, end = code_range.start, code_range.end
    return Span(path, start.line, start.column + 1, end.line, end.column + 1)


def decode_source(path: str, data: bytes) -> str | ir.ModuleIR:
    """UTF-8 text (a BOM is allowed), or a module carrying the MG102 diagnostic."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"cannot decode the file as UTF-8: {error.reason} at byte {error.start}"
        return _failed(path, None, diag("MG102", Span(path, line, column, line, column + 1), message))


def parse_source(path: str, source: str, module: str | None, *, read_bodies: bool) -> ir.ModuleIR:
    if "\x00" in source:  # Python refuses such files outright; libcst would not
        offset = source.index("\x00")
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        message = "the file contains a NUL byte, which Python does not accept in source code"
        return _failed(path, module, diag("MG101", Span(path, line, column, line, column + 1), message))
    refused = _cpython_refuses(path, source)
    if refused is not None:
        return _failed(path, module, refused)
    try:
        tree = cst.parse_module(source)
        wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
        converter = ExpressionConverter(lambda node: to_span(path, positions[node]))
        return _ModuleReader(path, module, converter, read_bodies).read(wrapper.module)
    except cst.ParserSyntaxError as error:
        return _failed(path, module, _syntax_error(path, source, error))
    except RecursionError:
        return _failed(path, module, diag("MG101", Span.file_start(path), _TOO_DEEP))
    except cst.CSTValidationError as error:  # valid Python that libcst cannot represent (rare identifiers)
        return _failed(path, module, diag("MG101", Span.file_start(path), f"cannot parse the file: {error}"))


_TOO_DEEP = "the file nests expressions too deeply to be read"
MAX_NESTING = 100
"""How deep a file's syntax tree may nest (real step files stay near 15). Deeper trees are refused before
libcst reads them: its readers recurse, and a chain of 2,000 subscripts took seconds to fail."""


def _cpython_refuses(path: str, source: str) -> Diagnostic | None:
    """CPython's own parser (C, and quick) sees the file first: libcst's native parser crashes the process
    on nesting CPython refuses (1,500 parentheses), so libcst only ever gets files CPython accepts. A syntax
    error is reported with CPython's message and position."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as cpython:
        line = cpython.lineno or 1
        column = cpython.offset or 1
        return diag("MG101", Span(path, line, column, line, column), f"invalid syntax: {cpython.msg}")
    except (RecursionError, MemoryError):  # CPython's own nesting limits (10,000 unary minus signs)
        return diag("MG101", Span.file_start(path), _TOO_DEEP)
    except ValueError as other:
        return diag("MG101", Span.file_start(path), f"invalid source: {other}")
    deepest = _deeper_than(tree, MAX_NESTING)
    if deepest is None:
        return None
    line, column = getattr(deepest, "lineno", 1), getattr(deepest, "col_offset", 0) + 1
    message = f"{_TOO_DEEP}: it nests more than {MAX_NESTING} levels here"
    return diag("MG101", Span(path, line, column, line, column + 1), message)


def _deeper_than(tree: ast.AST, limit: int) -> ast.AST | None:
    """The first node found below `limit` levels, walking without recursion; None when none is."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def _failed(path: str, module: str | None, diagnostic: Diagnostic) -> ir.ModuleIR:
    return ir.ModuleIR(path, module, {}, {}, (), (), (diagnostic,))


def _syntax_error(path: str, source: str, error: cst.ParserSyntaxError) -> Diagnostic:
    """CPython's message and position are more precise than the PEG parser's, so prefer them."""
    try:
        ast.parse(source, filename=path)
    except SyntaxError as cpython:
        line = cpython.lineno or 1
        column = cpython.offset or 1
        message = f"invalid syntax: {cpython.msg}"
        return diag("MG101", Span(path, line, column, line, column), message)
    except ValueError as other:  # e.g. NUL bytes
        return diag("MG101", Span.file_start(path), f"invalid source: {other}")
    line, column = error.raw_line, error.raw_column + 1
    return diag("MG101", Span(path, line, column, line, column), f"invalid syntax: {error.message}")


def package_of(module: str | None, path: str) -> list[str]:
    """The package a module lives in, as parts (for relative imports)."""
    if module is not None:
        parts = module.split(".")
        return parts[:-1] if not path.endswith("__init__.py") else parts
    return path.split("/")[:-1]


def absolute_module(package: list[str], level: int, relative: str | None) -> str:
    """Resolve `from ..x import y` against the importing module's package; "" when it escapes the root."""
    if level == 0:
        return relative or ""
    if level - 1 > len(package):
        return ""
    base = package[: len(package) - (level - 1)]
    parts = [*base, *(relative.split(".") if relative else [])]
    return ".".join(parts)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _ModuleReader:
    def __init__(self, path: str, module: str | None, converter: ExpressionConverter, bodies: bool) -> None:
        self.path = path
        self.module = module
        self.converter = converter
        self.read_bodies = bodies
        self.package = package_of(module, path)
        self.bindings: dict[str, ir.Binding] = {}
        self.counts: dict[str, int] = {}
        self.item_assigns: list[ir.ItemAssign] = []
        self.calls: list[ir.Call] = []
        self.imports: dict[str, str] = {}
        self.imported: list[ir.ImportedName] = []

    def read(self, tree: cst.Module) -> ir.ModuleIR:
        statements = list(_flatten(tree.body))
        # Imports first: function bodies need the import table whatever the statement order.
        for statement in statements:
            if isinstance(statement, cst.Import | cst.ImportFrom):
                self._import(statement)
        for statement in statements:
            self._statement(statement)
        return ir.ModuleIR(
            self.path,
            self.module,
            self.bindings,
            self.counts,
            tuple(self.item_assigns),
            tuple(self.calls),
            imported=tuple(self.imported),
        )

    def _bind(self, name: str, binding: ir.Binding) -> None:
        self.bindings[name] = binding
        self.counts[name] = self.counts.get(name, 0) + 1

    def _statement(self, statement: cst.CSTNode) -> None:
        match statement:
            case cst.Assign():
                self._assign(statement)
            case cst.AnnAssign(target=cst.Name(value=name), value=value) if value is not None:
                self._bind(name, ir.Assign(name, self.converter.convert(value), self._span(statement.target)))
            case cst.AugAssign(target=cst.Name(value=name)):
                span = self._span(statement)
                self._bind(name, ir.Assign(name, ir.Unsupported("augmented assignment", span), span))
            case cst.Expr(value=cst.Call() as call):
                converted = self.converter.convert(call)
                if isinstance(converted, ir.Call):
                    self.calls.append(converted)
            case cst.Expr(value=cst.Await(expression=cst.Call() as call)):
                converted = self.converter.convert(call)
                if isinstance(converted, ir.Call):
                    self.calls.append(converted)
            case cst.FunctionDef():
                self._bind(statement.name.value, self._function(statement))
            case cst.ClassDef():
                self._bind(statement.name.value, self._class(statement))
            case cst.Import() | cst.ImportFrom():
                self._bind_imports(statement)

    def _span(self, node: cst.CSTNode) -> Span:
        return self.converter.span_of(node)

    # -- assignments ------------------------------------------------------------------------------------
    def _assign(self, statement: cst.Assign) -> None:
        for target in statement.targets:
            node = target.target
            if isinstance(node, cst.Name):
                value = self.converter.convert(statement.value)
                self._bind(node.value, ir.Assign(node.value, value, self._span(node)))
            elif isinstance(node, cst.Tuple | cst.List):
                self._unpack(node, statement.value)
            elif (
                isinstance(node, cst.Subscript)
                and isinstance(node.value, cst.Name)
                and len(node.slice) == 1
                and isinstance(node.slice[0].slice, cst.Index)
            ):
                key = self.converter.convert(node.slice[0].slice.value)
                value = self.converter.convert(statement.value)
                self.item_assigns.append(ir.ItemAssign(node.value.value, key, value, self._span(node)))

    def _unpack(self, target: cst.Tuple | cst.List, value: cst.BaseExpression) -> None:
        names = [e.value for e in target.elements]
        values: Sequence[cst.BaseExpression] | None = None
        if isinstance(value, cst.Tuple | cst.List) and not any(
            isinstance(e, cst.StarredElement) for e in value.elements
        ):
            values = [e.value for e in value.elements]
        for position, node in enumerate(names):
            if not isinstance(node, cst.Name):
                continue
            span = self._span(node)
            if values is not None and len(values) == len(names):
                expr = self.converter.convert(values[position])
            else:
                expr = ir.Unsupported("unpacking assignment", span)
            self._bind(node.value, ir.Assign(node.value, expr, span))

    # -- imports ---------------------------------------------------------------------------------------
    def _import(self, statement: cst.Import | cst.ImportFrom) -> None:
        for imported in self._imported_names(statement):
            self.imports[imported.local] = (
                f"{imported.module}.{imported.name}" if imported.name else imported.module
            )

    def _bind_imports(self, statement: cst.Import | cst.ImportFrom) -> None:
        for imported in self._imported_names(statement):
            self._bind(imported.local, imported)
        if isinstance(statement, cst.Import):  # `import a.b` imports module "a.b", binding only "a"
            for alias in statement.names:
                dotted = _dotted(alias.name)
                self.imported.append(ir.ImportedName(dotted, dotted, None, self._span(alias)))
        else:
            self.imported.extend(self._imported_names(statement))

    def _imported_names(self, statement: cst.Import | cst.ImportFrom) -> Iterator[ir.ImportedName]:
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                dotted = _dotted(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    yield ir.ImportedName(alias.asname.name.value, dotted, None, self._span(alias))
                else:
                    head = dotted.split(".")[0]
                    yield ir.ImportedName(head, head, None, self._span(alias))
            return
        if isinstance(statement.names, cst.ImportStar):
            return
        relative = _dotted(statement.module) if statement.module is not None else None
        module = absolute_module(self.package, len(statement.relative), relative)
        for alias in statement.names:
            name = _dotted(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            yield ir.ImportedName(local, module, name, self._span(alias))

    # -- definitions -----------------------------------------------------------------------------------
    def _function(self, node: cst.FunctionDef) -> ir.FunctionDef:
        params = self.converter.params(node.params)
        body = ir.BodyFacts()
        if self.read_bodies:
            visitor = BodyVisitor(
                self.converter, tuple(p.name for p in params if p.kind == "positional"), self.imports
            )
            node.visit(visitor)
            body = visitor.facts()
        return ir.FunctionDef(
            node.name.value,
            node.asynchronous is not None,
            params,
            tuple(self.converter.convert(d.decorator) for d in node.decorators),
            body,
            self._span(node.name),
        )

    def _class(self, node: cst.ClassDef) -> ir.ClassDef:
        fields: list[ir.ClassField] = []
        assigns: list[ir.ClassAssign] = []
        methods: list[str] = []
        decorated: list[tuple[str, tuple[ir.Expr, ...]]] = []
        docstring = node.get_docstring(clean=True)
        for statement in _flatten(
            node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
        ):
            match statement:
                case cst.AnnAssign(target=cst.Name(value=name), annotation=annotation, value=value):
                    default = self.converter.convert(value) if value is not None else None
                    fields.append(
                        ir.ClassField(
                            name,
                            self.converter.convert(annotation.annotation),
                            default,
                            self._span(statement.target),
                        )
                    )
                case cst.Assign(targets=[cst.AssignTarget(target=cst.Name(value=name))], value=value):
                    assigns.append(ir.ClassAssign(name, self.converter.convert(value), self._span(statement)))
                case cst.FunctionDef(name=cst.Name(value=name), decorators=decorators):
                    methods.append(name)
                    if decorators:
                        converted = tuple(self.converter.convert(d.decorator) for d in decorators)
                        decorated.append((name, converted))
        bases: list[ir.Expr] = []
        keywords: list[ir.Keyword] = []
        for arg in node.bases:
            bases.append(self.converter.convert(arg.value))
        for arg in node.keywords:
            if arg.keyword is not None:
                keywords.append(
                    ir.Keyword(arg.keyword.value, self.converter.convert(arg.value), self._span(arg))
                )
        return ir.ClassDef(
            node.name.value,
            tuple(bases),
            tuple(keywords),
            tuple(self.converter.convert(d.decorator) for d in node.decorators),
            docstring if isinstance(docstring, str) else None,
            tuple(fields),
            tuple(assigns),
            tuple(methods),
            self._span(node.name),
            tuple(decorated),
        )


def _flatten(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Module- or class-level statements, with simple statement lines split and `if`/`try` blocks entered
    (imports under `if TYPE_CHECKING:` and `try: … except ImportError:` still bind names)."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, cst.If):
            yield from _flatten(_block(statement.body))
            if statement.orelse is not None:
                yield from _flatten(_block(statement.orelse.body))
        elif isinstance(statement, cst.Try):
            yield from _flatten(_block(statement.body))
        else:
            yield statement


def _block(node: cst.BaseSuite | cst.If | cst.CSTNode) -> Sequence[cst.CSTNode]:
    if isinstance(node, cst.IndentedBlock):
        return node.body
    if isinstance(node, cst.SimpleStatementSuite):
        return node.body
    if isinstance(node, cst.If):
        return [node]
    return []
