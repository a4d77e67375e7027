"""Config rules the front end cannot see file by file: names across the app, HTTP methods and paths,
statuses, query parameters, infrastructure and queue ranges, handler signatures and `includeFiles`."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator

from motia.spec import CONDITION_ARGUMENTS, MIDDLEWARE_ARGUMENTS, StepForm, handler_arguments

from motia_gen import model
from motia_gen.check.base import CheckInput, Rule, http_triggers, label, queue_triggers
from motia_gen.diagnostics import Diagnostic, Related, Span, diag
from motia_gen.model import routes

HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")
LONG_NAME = 40


def step_names(check: CheckInput) -> Iterator[Diagnostic]:
    # Empty names are reported by the front end where the name is read (MG211, MG212 or MG228).
    for step in check.app.steps:
        if len(step.name) > LONG_NAME:
            yield diag(
                "MG218",
                step.name_span,
                f"step name '{step.name}' is {len(step.name)} characters long (more than {LONG_NAME})",
            )
    named = [s for s in check.app.steps if s.name.strip()]
    yield from _duplicate_names("MG217", "step", named)


def stream_names(check: CheckInput) -> Iterator[Diagnostic]:
    yield from _duplicate_names("MG219", "stream", check.app.streams)


def _duplicate_names(
    code: str, kind: str, items: Iterable[model.Step] | Iterable[model.Stream]
) -> Iterator[Diagnostic]:
    """Every definition after the first of a name, pointing back at the first."""
    first: dict[str, Span] = {}
    for item in items:
        span = first.setdefault(item.name, item.name_span)
        if span != item.name_span:
            yield diag(
                code,
                item.name_span,
                f"{kind} name '{item.name}' is already used",
                related=(Related(span, f"'{item.name}' is first defined here"),),
            )


def http_methods(check: CheckInput) -> Iterator[Diagnostic]:
    for _step, trigger in http_triggers(check.app):
        if trigger.method in HTTP_METHODS:
            continue
        upper = trigger.method.upper()
        help = f"write '{upper}'" if upper in HTTP_METHODS else f"expected one of {', '.join(HTTP_METHODS)}"
        yield diag("MG215", trigger.method_span, f"'{trigger.method}' is not an HTTP method", help=help)


def http_paths(check: CheckInput) -> Iterator[Diagnostic]:
    for _step, trigger in http_triggers(check.app):
        problem = routes.problem(trigger.path)
        if problem is not None:
            yield diag("MG216", trigger.path_span, f"path '{trigger.path}' {problem}")


def response_statuses(check: CheckInput) -> Iterator[Diagnostic]:
    for _step, trigger in http_triggers(check.app):
        for response in trigger.response_schema:
            status = response.status
            number = int(status) if isinstance(status, str) and status.isdigit() else status
            if not isinstance(number, int) or not 100 <= number <= 599:
                yield diag(
                    "MG223",
                    response.span,
                    f"responseSchema key {status!r} is not an HTTP status (100–599)",
                )


def query_params(check: CheckInput) -> Iterator[Diagnostic]:
    for _step, trigger in http_triggers(check.app):
        first: dict[str, model.QueryParam] = {}
        for param in trigger.query_params:
            other = first.setdefault(param.name, param)
            if other is not param:
                yield diag(
                    "MG224",
                    param.span,
                    f"query parameter '{param.name}' is declared twice",
                    related=(Related(other.span, "first declared here"),),
                )


# -- infrastructure and queue settings ----------------------------------------------------------------------
def _outside(value: float | None, low: float, high: float | None) -> bool:
    return value is not None and (value < low or (high is not None and value > high))


def _handler_settings(settings: model.HandlerSettings) -> Iterator[Diagnostic]:
    if _outside(settings.ram, 128, 10240):
        yield diag("MG221", settings.span_of("ram"), f"ram {settings.ram:g} MB is outside 128–10240 MB")
    if _outside(settings.timeout, 1, 900):
        yield diag("MG221", settings.span_of("timeout"), f"timeout {settings.timeout:g} s is outside 1–900 s")
    if settings.cpu is not None and settings.ram is not None:
        expected = settings.ram / 2048
        if abs(settings.cpu - expected) > 0.1:
            yield diag(
                "MG221",
                settings.span_of("cpu"),
                f"cpu {settings.cpu:g} vCPU is not proportional to ram {settings.ram:g} MB",
                help=f"expected about {expected:.4g} vCPU (ram / 2048)",
            )


def _queue_settings(queue: model.QueueSettings, timeout: float | None) -> Iterator[Diagnostic]:
    if _outside(queue.max_retries, 0, None):
        yield diag("MG221", queue.span_of("max_retries"), f"maxRetries {queue.max_retries} is negative")
    if _outside(queue.delay_seconds, 0, 900):
        yield diag(
            "MG221", queue.span_of("delay_seconds"), f"delaySeconds {queue.delay_seconds} is outside 0–900 s"
        )
    if _outside(queue.concurrency, 1, None):
        yield diag("MG221", queue.span_of("concurrency"), f"concurrency {queue.concurrency} is below 1")
    if _outside(queue.visibility_timeout, 1, None):
        yield diag(
            "MG221",
            queue.span_of("visibility_timeout"),
            f"visibilityTimeout {queue.visibility_timeout} s is below 1 s",
        )
    elif queue.visibility_timeout is not None and timeout is not None and queue.visibility_timeout <= timeout:
        yield diag(
            "MG221",
            queue.span_of("visibility_timeout"),
            f"visibilityTimeout {queue.visibility_timeout} s must be greater than the handler timeout "
            f"{timeout:g} s, or messages are redelivered while still being handled",
        )
    if queue.type is not None and queue.type not in ("standard", "fifo"):
        yield diag("MG221", queue.span_of("type"), f"queue type '{queue.type}' is not 'standard' or 'fifo'")


def settings_ranges(check: CheckInput) -> Iterator[Diagnostic]:
    for step in check.app.steps:
        if step.infrastructure is not None:
            yield from _handler_settings(step.infrastructure)
    # A classic event step shares one queue setting across its topics; the identical diagnostics this
    # yields per topic are merged like all duplicates (`sort_diagnostics`).
    for step, trigger in queue_triggers(check.app):
        if trigger.queue is None:
            continue
        timeout = step.infrastructure.timeout if step.infrastructure else None
        yield from _queue_settings(trigger.queue, timeout)


# -- handlers -----------------------------------------------------------------------------------------------
def _expected_arguments(step: model.Step) -> tuple[int, ...]:
    """How many positional arguments the runtime may pass to the step's handler (its own rule)."""
    form: StepForm = "classic" if step.form == "classic" else "v1"
    kinds = ["cron" if isinstance(t, model.CronTrigger) else "other" for t in step.triggers]
    return handler_arguments(form, kinds)


def _plural(count: int) -> str:
    return f"{count} argument{'s' if count != 1 else ''}"


def handlers(check: CheckInput) -> Iterator[Diagnostic]:
    for step in check.app.steps:
        if step.handler is None:
            continue
        ref = step.handler.ref
        if step.kind == "noop":
            yield diag("MG225", ref.span, f"{label(step)} is a noop step, so its handler never runs")
            continue
        expected = _expected_arguments(step)
        if not any(ref.accepts(count) for count in expected):
            yield diag(
                "MG226",
                ref.span,
                f"handler '{ref.name}' cannot be called with {_plural(expected[0])}, as the runtime calls "
                f"{_kind_label(step)} handlers",
                help=_signature_help(step),
            )


def _kind_label(step: model.Step) -> str:
    return f"{step.kind} step" if step.kind != "triggers" else "Motia 1.x"


def _signature_help(step: model.Step) -> str:
    if step.kind == "cron":
        return "write `async def handler(context)`"
    if step.kind == "api":
        return "write `async def handler(req, context)`"
    return "write `async def handler(input, context)`"


def middleware_and_conditions(check: CheckInput) -> Iterator[Diagnostic]:
    for step in check.app.steps:
        for trigger in step.triggers:
            if trigger.condition is not None and not trigger.condition.accepts(CONDITION_ARGUMENTS):
                ref = trigger.condition
                yield diag(
                    "MG226",
                    ref.span,
                    f"condition '{ref.name}' cannot be called with 2 arguments (input, context)",
                )
            if isinstance(trigger, model.HttpTrigger):
                yield from _middleware(trigger.middleware)


def _middleware(refs: tuple[model.FunctionRef, ...]) -> Iterator[Diagnostic]:
    for ref in refs:  # sync or async alike: the runtime awaits what a sync middleware returns
        if not ref.accepts(MIDDLEWARE_ARGUMENTS):
            yield diag(
                "MG226",
                ref.span,
                f"middleware '{ref.name}' cannot be called with 3 arguments (req, context, next)",
            )


def include_files(check: CheckInput) -> Iterator[Diagnostic]:
    root = os.path.normpath(check.root)
    for step in check.app.steps:
        base = os.path.join(root, os.path.dirname(step.file))
        for include in step.include_files:
            pattern = os.path.normpath(os.path.join(base, include.pattern))
            if os.path.isabs(include.pattern) or os.path.commonpath([root, pattern]) != root:
                # Never searched: `/**/x` would walk the whole file system.
                message = f"includeFiles pattern '{include.pattern}' leaves the app"
                yield diag("MG227", include.span, message, help="name files relative to the step's folder")
            elif next(glob.iglob(pattern, recursive=True), None) is None:  # the first match is enough
                yield diag(
                    "MG227",
                    include.span,
                    f"includeFiles pattern '{include.pattern}' matches no file "
                    f"(relative to {_folder(step.file)})",
                )


def _folder(file: str) -> str:
    return os.path.dirname(file) + "/" if os.path.dirname(file) else "the app root"


# Rules that read one file's definitions only (run when the file is read, and cached with it) …
FILE_RULES: tuple[Rule, ...] = (
    http_methods,
    http_paths,
    response_statuses,
    query_params,
    settings_ranges,
    handlers,
    middleware_and_conditions,
)
# … and rules that compare definitions across files or look at the file system (run every time).
APP_RULES: tuple[Rule, ...] = (step_names, stream_names, include_files)
