"""The app's stream `authenticate` hook, read statically: module-level `set_authenticate(fn)` calls on a
`Motia()` instance in step and stream files, and the `[tool.motia] stream-auth = "file.py:function"`
setting. The first declaration is the hook; later ones are MG231, and each declared function is checked
against how the runtime calls it (MG230).
"""

from __future__ import annotations

from dataclasses import dataclass

from motia_gen import model
from motia_gen.diagnostics import Diagnostic, Related, Span, diag
from motia_gen.diagnostics.suggest import suggestion
from motia_gen.evaluate.evaluator import Evaluator, helper_name
from motia_gen.evaluate.symbols import ExternalSymbol, MissingSymbol, ModuleSymbol, ProjectSymbol, Symbol
from motia_gen.evaluate.values import VFunction
from motia_gen.model.configs import function_ref
from motia_gen.parse import ir
from motia_gen.settings import StreamAuth


@dataclass(frozen=True, slots=True)
class AuthDeclaration:
    """One place the app names its stream `authenticate` hook: a `set_authenticate(...)` call, or the
    `stream-auth` setting (`span` in pyproject.toml). `ref` is None when it names no usable function
    (reported already)."""

    span: Span
    ref: model.FunctionRef | None


class AuthHookReader:
    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.sink: list[Diagnostic] = evaluator.diagnostics

    def authenticate_calls(self, module: ir.ModuleIR) -> list[AuthDeclaration]:
        """Each module-level `<Motia instance>.set_authenticate(fn)` call, in source order."""
        found: list[AuthDeclaration] = []
        for call in module.calls:
            func = call.func
            if not isinstance(func, ir.Attribute) or func.attr != "set_authenticate":
                continue
            if not self._is_motia(module, func.value):
                self.sink.append(
                    diag(
                        "MG229",
                        func.value.span,
                        "set_authenticate() is read on a Motia() instance only, so this hook would not be "
                        "wired",
                        help="bind the app at module level (`motia = Motia()`), then call "
                        "`motia.set_authenticate(authenticate)`",
                    )
                )
                continue
            found.append(AuthDeclaration(call.span, self._authenticate_argument(module, call)))
        return found

    def authenticate_setting(self, module: ir.ModuleIR, setting: StreamAuth) -> AuthDeclaration:
        """The function `[tool.motia] stream-auth` names, looked up in its (parsed) file."""
        symbol = self.evaluator.symbols.lookup(module, ir.Name(setting.function, setting.span))
        ref = _function_of(symbol, setting.span)
        if ref is None and module.ok:
            functions = [n for n, b in module.bindings.items() if not isinstance(b, ir.Assign | ir.ClassDef)]
            self.sink.append(
                diag(
                    "MG114",
                    setting.span,
                    f"[tool.motia] stream-auth: {setting.file} has no module-level function "
                    f"'{setting.function}'{_found(symbol)}",
                    help=suggestion(setting.function, functions),
                )
            )
        return AuthDeclaration(setting.span, ref)

    def authenticate(self, declarations: list[AuthDeclaration]) -> model.FunctionRef | None:
        """The app's hook: the first declaration's function (MG231 for every later one); each declared
        function is checked against how the runtime calls it (MG230)."""
        if not declarations:
            return None
        first = declarations[0]
        for other in declarations[1:]:
            self.sink.append(
                diag(
                    "MG231",
                    other.span,
                    f"the stream authentication hook is declared more than once: here and at "
                    f"{first.span.label()}",
                    related=(Related(first.span, "first declared here"),),
                    help="an app has one authenticate hook: keep one `set_authenticate(...)` call or the "
                    "`stream-auth` setting",
                )
            )
        checked: set[Span] = set()  # a function declared twice is reported once
        for declaration in declarations:
            ref = declaration.ref
            if ref is None or ref.span in checked:
                continue
            checked.add(ref.span)
            problem = _authenticate_signature(ref)
            if problem is not None:
                self.sink.append(
                    diag(
                        "MG230",
                        ref.span,
                        f"authenticate hook '{ref.name}' {problem}; the runtime calls it with (input) or "
                        "(input, ctx)",
                        related=(Related(declaration.span, "declared as the hook here"),),
                        help="write `async def authenticate(input, ctx)` or `async def authenticate(input)`",
                    )
                )
        return first.ref

    def _is_motia(self, module: ir.ModuleIR, expr: ir.Expr) -> bool:
        """Whether `expr` is a `Motia()` call, or a name bound to one at module level (here or in an app
        module it is imported from)."""
        symbols = self.evaluator.symbols
        if isinstance(expr, ir.Name | ir.Attribute):
            symbol = symbols.lookup(module, expr)
            if not isinstance(symbol, ProjectSymbol) or not isinstance(symbol.binding, ir.Assign):
                return False
            module, expr = symbol.module, symbol.binding.value
        if not isinstance(expr, ir.Call) or not isinstance(expr.func, ir.Name | ir.Attribute):
            return False
        qualname = symbols.qualname(module, expr.func)
        return qualname is not None and helper_name(qualname) == "Motia"

    def _authenticate_argument(self, module: ir.ModuleIR, call: ir.Call) -> model.FunctionRef | None:
        handler = call.keyword("handler")
        if len(call.args) + len(call.keywords) != 1 or (call.keywords and handler is None):
            self.sink.append(
                diag("MG229", call.span, "set_authenticate() takes one argument: the hook function")
            )
            return None
        expr = call.args[0] if call.args else handler
        assert expr is not None
        if isinstance(expr, ir.Name | ir.Attribute):
            symbol = self.evaluator.symbols.lookup(module, expr)
            ref = _function_of(symbol, expr.span)
            if ref is not None:
                return ref
            what, help = _not_a_function(symbol, expr)
        else:
            what, help = _expression_kind(expr), None
        self.sink.append(
            diag(
                "MG229",
                expr.span,
                f"the stream authentication hook must be a module-level function, not {what}",
                help=help or "define `async def authenticate(input, ctx)` at module level and pass its name",
            )
        )
        return None


def _function_of(symbol: Symbol, span: Span) -> model.FunctionRef | None:
    if isinstance(symbol, ProjectSymbol) and isinstance(symbol.binding, ir.FunctionDef):
        return function_ref(VFunction(symbol.module.module, symbol.module.path, symbol.binding, span))
    return None


def _found(symbol: Symbol) -> str:
    """What the name is instead, when it is something."""
    if isinstance(symbol, ProjectSymbol):
        return f" (it is {_binding_kind(symbol.binding)})"
    if isinstance(symbol, ExternalSymbol):
        return f" (it is '{symbol.qualname}', defined outside the project)"
    return " (it is a module)" if isinstance(symbol, ModuleSymbol) else ""


def _not_a_function(symbol: Symbol, expr: ir.Expr) -> tuple[str, str | None]:
    if isinstance(symbol, MissingSymbol):
        return f"an unresolved name ({symbol.message})", symbol.help
    if isinstance(symbol, ExternalSymbol):
        return (
            f"'{symbol.qualname}', which is not defined in a module of this project",
            "wrap it in a module-level function of the app",
        )
    if isinstance(symbol, ModuleSymbol):
        return "a module", None
    return _binding_kind(symbol.binding), None


def _binding_kind(binding: ir.Assign | ir.FunctionDef | ir.ClassDef) -> str:
    if isinstance(binding, ir.ClassDef):
        return f"class '{binding.name}'"
    if isinstance(binding, ir.FunctionDef):
        return f"function '{binding.name}'"
    return f"'{binding.name}', bound to {_expression_kind(binding.value)}"


def _expression_kind(expr: ir.Expr) -> str:
    if isinstance(expr, ir.Lambda):
        return "a lambda"
    if isinstance(expr, ir.Unsupported):
        return f"a {expr.kind}"
    if isinstance(expr, ir.Call):
        return "a call (the compiler never runs code to find the hook)"
    if isinstance(expr, ir.Const):
        return "None" if expr.value is None else "a constant"
    if isinstance(expr, ir.Starred):
        return "a *-argument"
    return "an expression"


def _authenticate_signature(ref: model.FunctionRef) -> str | None:
    """Why the runtime's call cannot bind: it passes one argument to a hook with exactly one positional
    parameter, two to any other."""
    count = 1 if ref.arity == 1 and not ref.varargs else 2
    if ref.accepts(count):
        return None
    if ref.arity == 0:
        return "takes no positional parameter"
    return f"requires {ref.required} positional arguments"
