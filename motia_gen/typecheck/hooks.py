"""The types of the functions a config names besides its handler: middleware, conditions, stream hooks
and the stream `authenticate` hook.

Each gets, in the shadow tree, the types the runtime calls it with for its parameters the author left
unannotated, so its body is checked like a handler's (`req.body`, `ctx.emit`, `subscription.group_id`).
Its return is left to the author: a middleware may answer with a status its step does not declare (the
Motia docs' own 401), which is not the step's contract. A function used by several steps gets what they
all share: the runtime's generic request and context types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from motia_gen import model
from motia_gen.emit.types.plan import StepTypes

# Names the shadow file imports after its last line for these annotations (`shadow._EXTRA_IMPORTS`).
ANY = "_MotiaAny"
_NEXT = f"_MotiaCallable[..., _MotiaAwaitable[{ANY}]]"
_REQUEST = f"_motia.ApiRequest[{ANY}, {ANY}, {ANY}]"
_CONTEXT = f"_motia.FlowContext[{ANY}]"
_SUBSCRIPTION = "_motia.StreamSubscription"


@dataclass(frozen=True, slots=True)
class HookTie:
    """One hook function and the annotations its parameters get (`{types}` stands for the alias of the
    step's types module, `types_module`; empty when the types are the runtime's own)."""

    function: str
    file: str
    params: tuple[str, ...]
    types_module: str = ""


def hook_ties(app: model.App, steps: tuple[StepTypes, ...], package: str) -> list[HookTie]:
    """Every module-level hook function of the app (lambdas cannot be annotated), once each."""
    uses: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for ref, params in _uses(app, steps, package):
        if not ref.is_lambda:
            uses.setdefault((ref.file, ref.name), []).append(params)
    handlers = {(s.handler.ref.file, s.handler.ref.name) for s in app.steps if s.handler is not None}
    ties: list[HookTie] = []
    for (file, name), found in sorted(uses.items()):
        if (file, name) in handlers:
            continue  # a handler is tied to its step already
        if len(set(found)) == 1:
            ties.append(HookTie(name, file, found[0][1:], found[0][0]))
        else:  # shared by steps of different types: what the runtime passes to any of them
            ties.append(HookTie(name, file, tuple(_generic(p) for p in found[0][1:])))
    return ties


def _uses(
    app: model.App, steps: tuple[StepTypes, ...], package: str
) -> Iterator[tuple[model.FunctionRef, tuple[str, ...]]]:
    """(function, (types module, parameter annotations...)) for each place a hook is named."""
    for step, types in zip(app.steps, steps, strict=True):
        module = f"{package}.steps.{types.module}"
        names = {d.name for d in types.declarations}
        context = "{types}.Context" if "Context" in names else _CONTEXT
        request = "{types}.Request" if "Request" in names else _REQUEST
        for trigger in step.triggers:
            if isinstance(trigger, model.HttpTrigger):
                for ref in trigger.middleware:
                    yield ref, (module, request, context, _NEXT)
            if trigger.condition is not None:
                yield trigger.condition, (module, ANY, context)
    for stream in app.streams:
        if stream.can_access is not None:
            yield stream.can_access, ("", _SUBSCRIPTION, ANY)
        for hook in (stream.on_join, stream.on_leave):
            if hook is not None:
                yield hook, ("", _SUBSCRIPTION, _CONTEXT, ANY)
    if app.authenticate is not None:
        yield app.authenticate, ("", "_motia.StreamAuthInput")


def _generic(param: str) -> str:
    return {"{types}.Request": _REQUEST, "{types}.Context": _CONTEXT}.get(param, param)
