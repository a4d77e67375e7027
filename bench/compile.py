"""Compile benchmark: `motia validate` on synthetic apps of 100 and 1,000 steps, against references.

    .venv/bin/python bench/compile.py [--quick] [--write-docs]

Every target is a ratio against a reference measured in the same run (the same app at another size, the
same compiler with a warm cache, or Motia's own way of reading configs: one Python process per step file),
so the verdicts do not depend on how fast the machine is. Exits 1 when a target is missed.
`generate_app` is also used by tests/test_bench_compile.py to keep the generator honest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmark modules, when loaded by path

from _report import DOCS, REPO, VENV_BIN, measured_line, table, write_section
from _ts_steps import render_ts_step
from types_cost import TypeCosts, measure_types

from motia_gen import model
from motia_gen.check import graph
from motia_gen.check.base import CheckInput
from motia_gen.diagnostics import Span
from motia_gen.settings import Settings

Form = Literal["classic", "dict", "builder"]
Trigger = Literal["http", "cron", "queue"]

GROUP_SIZE = 25
ENTITIES = ("Order", "Invoice", "Shipment", "Ticket", "Payment", "Booking", "Review", "Refund")
CITIES = ("Oslo", "Lima", "Porto", "Kyoto", "Accra", "Quito")
STREAMS = ("live_orders", "dashboard", "audit_feed")
VERBS: dict[Trigger, tuple[str, ...]] = {
    "http": ("Create", "Submit", "Update"),
    "cron": ("Sweep", "Audit", "Reconcile"),
    "queue": ("Process", "Enrich", "Notify", "Archive", "Record"),
}


# -- the app plan ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Models:
    """One shared models module `steps/models/m_<k>.py` with three pydantic classes."""

    index: int
    entity: str

    @property
    def module(self) -> str:
        return f"steps.models.m_{self.index:03d}"

    @property
    def main(self) -> str:
        return self.entity

    @property
    def nested(self) -> str:
        return f"{self.entity}Address"

    @property
    def result(self) -> str:
        return f"{self.entity}Result"


@dataclass(frozen=True, slots=True)
class StepPlan:
    index: int
    group: int
    form: Form
    trigger: Trigger
    models: Models
    subscribes: str | None
    emits: bool  # enqueues its own `topic`, which the next step of the chain subscribes to
    stream: str | None
    relative: bool
    city: str
    language: Literal["python", "typescript"] = "python"

    @property
    def name(self) -> str:
        verbs = VERBS[self.trigger]
        return f"{verbs[self.index % len(verbs)]}{self.models.entity}{self.index:04d}"

    @property
    def path(self) -> str:
        if self.language == "typescript":
            return f"steps/g_{self.group:02d}/{_snake(self.name)}.step.ts"
        return f"steps/g_{self.group:02d}/{_snake(self.name)}_step.py"

    @property
    def description(self) -> str:
        start = {
            "http": "accepts a request",
            "cron": "runs on a schedule",
            "queue": f"handles {self.subscribes}",
        }
        end = f"and enqueues {self.topic}" if self.emits else "and records the result"
        return f"{start[self.trigger]} {end}"

    @property
    def topic(self) -> str:
        return f"g{self.group:02d}.{self.models.entity.lower()}.s{self.index:04d}.done"

    @property
    def route(self) -> str:
        return f"/g{self.group:02d}/{self.models.entity.lower()}s/{self.index:04d}/:id"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def plan_app(
    steps: int, seed: int, *, mixed: bool = False
) -> tuple[list[StepPlan], list[Models], list[tuple[str, Models]]]:
    """Steps in chains (an http or cron head, then queue subscribers), each emitted topic subscribed once.
    `mixed`: every third step is written in TypeScript (the same plan otherwise: the same random draws)."""
    rng = random.Random(seed)
    models = [Models(k, ENTITIES[(k + seed) % len(ENTITIES)]) for k in range(max(2, steps // 10))]
    streams = [(STREAMS[j], models[j % len(models)]) for j in range(min(3, max(1, steps // 300)))]
    forms: list[Form] = ["classic", "dict", "builder"] * (steps // 3 + 1)
    rng.shuffle(forms)
    plans: list[StepPlan] = []
    chain = 0
    for group_start in range(0, steps, GROUP_SIZE):
        index = group_start
        group_end = min(steps, group_start + GROUP_SIZE)
        while index < group_end:
            length = min(rng.randint(3, 6), group_end - index)
            for position in range(length):
                head = position == 0
                plans.append(
                    StepPlan(
                        index=index,
                        group=group_start // GROUP_SIZE,
                        form=forms[index],
                        trigger=rng.choice(("http", "http", "cron")) if head else "queue",
                        models=models[chain % len(models)],
                        subscribes=None if head else plans[-1].topic,
                        emits=position < length - 1,
                        stream=rng.choice(streams)[0] if rng.random() < 0.3 else None,
                        relative=rng.random() < 0.5,
                        city=rng.choice(CITIES),
                        language="typescript" if mixed and index % 3 == 1 else "python",
                    )
                )
                index += 1
            chain += 1
    return plans, models, streams


# -- rendering ---------------------------------------------------------------------------------------------
def render_models(models: Models) -> str:
    e = models.entity.lower()
    return f'''"""Shared {e} models (module {models.index})."""

from typing import Optional

from pydantic import BaseModel, Field


class {models.nested}(BaseModel):
    city: str = Field(min_length=1, max_length=80)
    postcode: Optional[str] = Field(default=None, max_length=12)


class {models.main}(BaseModel):
    """A {e} as it travels between steps."""

    id: str = Field(min_length=1, description="The {e} id")
    quantity: int = Field(ge=1, le={100 + models.index})
    tags: list[str] = []
    address: {models.nested}
    note: Optional[str] = None


class {models.result}(BaseModel):
    id: str
    total: float = Field(ge=0, description="The computed total")
    status: str = Field(default="ok", pattern="^[a-z]+$")
'''


def render_stream(name: str, models: Models) -> str:
    return f'''"""The {name} stream: computed {models.entity.lower()} totals for live views."""

from {models.module} import {models.result}

config = {{
    "name": "{name}",
    "schema": {models.result}.model_json_schema(),
    "baseConfig": {{"storageType": "default"}},
}}
'''


def render_shared(group: int) -> str:
    return f'''"""Constants shared by the steps of group {group:02d}."""

FLOW = "flow-{group:02d}"
STATE_GROUP = "g{group:02d}"
RETRIES = {2 + group % 3}
'''


def render_step(plan: StepPlan) -> str:
    lines = [f'"""Step {plan.name}: {plan.description}."""', "", *_imports(plan), "", *_constants(plan), ""]
    if plan.form == "builder":
        lines += ["", *_helper(), "", "", *_handler(plan), "", "", *_builder(plan)]
    else:
        lines += [*_config(plan), "", "", *_helper(), "", "", *_handler(plan)]
    return "\n".join(lines) + "\n"


def _imports(plan: StepPlan) -> list[str]:
    lines: list[str] = ["from typing import Final", ""] if plan.emits else []
    if plan.form != "classic":
        helpers = {plan.trigger} | ({"StepConfig", "step"} if plan.form == "builder" else set())
        lines.append(f"from motia import {', '.join(sorted(helpers))}")
    names = {"http": [plan.models.main, plan.models.result], "queue": [plan.models.main], "cron": []}
    if names[plan.trigger]:
        lines.append(f"from {plan.models.module} import {', '.join(names[plan.trigger])}")
    if plan.relative:
        lines += ["", "from .shared import FLOW, RETRIES, STATE_GROUP"]
    return lines


def _constants(plan: StepPlan) -> list[str]:
    lines = [] if plan.relative else ['FLOW = "flow-{0:02d}"', 'STATE_GROUP = "g{0:02d}"', "RETRIES = {1}"]
    lines = [line.format(plan.group, 2 + plan.group % 3) for line in lines]
    # `Final` makes the topic a Literal for mypy, as in a typed app: `motia typecheck` runs on these apps.
    return lines + ([f'TOPIC: Final = "{plan.topic}"'] if plan.emits else [])


def _indent(lines: list[str], depth: int) -> list[str]:
    return [" " * (4 * depth) + line for line in lines]


def _config(plan: StepPlan) -> list[str]:
    if plan.form == "classic":
        return ["config = {", *_indent(_classic_entries(plan), 1), "}"]
    return [
        "config = {",
        f'    "name": "{plan.name}",',
        f'    "description": "{plan.description}",',
        '    "triggers": [',
        *_indent(_trigger(plan, schema_call=True), 2),
        "    ],",
        f'    "enqueues": {"[TOPIC]" if plan.emits else "[]"},',
        '    "flows": [FLOW],',
        "}",
    ]


def _classic_entries(plan: StepPlan) -> list[str]:
    m = plan.models
    kind = {"http": "api", "cron": "cron", "queue": "event"}[plan.trigger]
    entries = [f'"type": "{kind}",', f'"name": "{plan.name}",', f'"description": "{plan.description}",']
    if plan.trigger == "http":
        entries += [f'"path": "{plan.route}",', '"method": "POST",']
    elif plan.trigger == "cron":
        entries.append(f'"cron": "{plan.index % 60} {plan.index % 24} * * *",')
    else:
        entries += [f'"subscribes": ["{plan.subscribes}"],', f'"input": {m.main}.model_json_schema(),']
    entries += ['"emits": [TOPIC],' if plan.emits else '"emits": [],', '"flows": [FLOW],']
    if plan.trigger == "http":
        entries += [
            f'"bodySchema": {m.main}.model_json_schema(),',
            f'"responseSchema": {{200: {m.result}.model_json_schema()}},',
        ]
    elif plan.trigger == "queue":
        entries += [
            '"infrastructure": {',
            '    "handler": {"timeout": 30},',
            '    "queue": {"type": "standard", "maxRetries": RETRIES, "visibilityTimeout": 60},',
            "},",
        ]
    return entries


def _trigger(plan: StepPlan, *, schema_call: bool) -> list[str]:
    m = plan.models
    body, result = (
        (f"{m.main}.model_json_schema()", f"{m.result}.model_json_schema()")
        if schema_call
        else (m.main, m.result)
    )
    if plan.trigger == "http":
        arguments = [
            '"POST",',
            f'"{plan.route}",',
            f"body_schema={body},",
            f"response_schema={{200: {result}}},",
        ]
        return ["http(", *_indent(arguments, 1), "),"]
    if plan.trigger == "cron":
        return [f'cron("{plan.index % 60} */6 * * *"),']
    return [f'queue("{plan.subscribes}", input={body}),']


def _builder(plan: StepPlan) -> list[str]:
    return [
        f"{_snake(plan.name)}_step = step(",
        "    StepConfig(",
        f'        name="{plan.name}",',
        f'        description="{plan.description}",',
        "        triggers=[",
        *_indent(_trigger(plan, schema_call=False), 3),
        "        ],",
        f"        enqueues={'[TOPIC]' if plan.emits else '[]'},",
        "        flows=[FLOW],",
        "    ),",
        "    handler,",
        ")",
    ]


def _helper() -> list[str]:
    return ["def _total(quantity: int) -> float:", "    return round(quantity * 1.25, 2)"]


def _handler(plan: StepPlan) -> list[str]:
    classic = plan.form == "classic"
    ctx = "context" if classic else "ctx"
    params = (
        {"http": f"req, {ctx}", "cron": ctx, "queue": f"input, {ctx}"}[plan.trigger]
        if classic
        else "input, ctx"
    )
    lines = [f"async def handler({params}):", *(f"    {line}" for line in _inputs(plan))]
    record = '{"id": item_id, "total": total}'
    body = [
        "total = _total(quantity)",
        f"await {ctx}.state.set(STATE_GROUP, item_id, {record})",
    ]
    if plan.stream:
        body.append(f"await {ctx}.streams.{plan.stream}.set(STATE_GROUP, item_id, {record})")
    body.append(f'{ctx}.logger.info("{plan.name} handled", {{"id": item_id, "retries": RETRIES}})')
    if plan.emits:
        data = f'{{"id": item_id, "quantity": quantity, "address": {{"city": "{plan.city}"}}}}'
        body.append(f'await {ctx}.{"emit" if classic else "enqueue"}({{"topic": TOPIC, "data": {data}}})')
    if plan.trigger == "http":
        body.append(f'return {{"status": 200, "body": {record}}}')
    return lines + [f"    {line}" for line in body]


def _inputs(plan: StepPlan) -> list[str]:
    if plan.trigger == "cron":
        return [f'item_id = "cron-{plan.index:04d}"', "quantity = 1"]
    if plan.trigger == "queue":
        return ['item_id = input["id"]', 'quantity = int(input.get("quantity", 1))']
    if plan.form == "classic":
        return ['item_id = req["pathParams"]["id"]', 'body = req.get("body") or {}', *_quantity()]
    return ['item_id = input.path_params["id"]', "body = input.body or {}", *_quantity()]


def _quantity() -> list[str]:
    return ['quantity = int(body.get("quantity", 1))']


# -- writing the app ---------------------------------------------------------------------------------------
def generate_app(root: Path, steps: int, seed: int, *, mixed: bool = False) -> None:
    """Write a deterministic synthetic Motia app of `steps` steps (plus models, shared modules, streams);
    `mixed`: a third of the steps in TypeScript."""
    plans, models, streams = plan_app(steps, seed, mixed=mixed)
    files: dict[str, str] = {
        "pyproject.toml": _pyproject(steps),
        "steps/__init__.py": "",
        "steps/models/__init__.py": "",
        "steps/streams/__init__.py": "",
    }
    for m in models:
        files[f"steps/models/m_{m.index:03d}.py"] = render_models(m)
    for name, m in streams:
        files[f"steps/streams/{name}_stream.py"] = render_stream(name, m)
    for group in sorted({p.group for p in plans}):
        files[f"steps/g_{group:02d}/__init__.py"] = ""
        files[f"steps/g_{group:02d}/shared.py"] = render_shared(group)
    for plan in plans:
        files[plan.path] = render_ts_step(plan) if plan.language == "typescript" else render_step(plan)
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _pyproject(steps: int) -> str:
    return (
        f'[project]\nname = "bench-app-{steps}"\nversion = "0.0.0"\nrequires-python = ">=3.11"\n\n'
        '[tool.motia]\ndirs = ["steps"]\n'
    )


def definition_files(app: Path) -> list[Path]:
    """The step and stream files of a generated app, sorted."""
    steps = (app / "steps").rglob("*_step.py")
    streams = (app / "steps").rglob("*_stream.py")
    return sorted([*steps, *streams])


# -- measuring ---------------------------------------------------------------------------------------------
def _motia() -> list[str]:
    script = VENV_BIN / "motia"
    return [str(script)] if script.exists() else [sys.executable, "-m", "motia_gen.cli.main"]


def _python() -> str:
    python = VENV_BIN / "python"
    return str(python) if python.exists() else sys.executable


def validate_once(app: Path) -> float:
    """One timed `motia validate APP`; stops the benchmark if the app does not validate cleanly."""
    start = time.perf_counter()
    result = subprocess.run([*_motia(), "validate", str(app)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0 or "no problems found" not in result.stdout:
        print(result.stdout, result.stderr, sep="\n", file=sys.stderr)
        if result.returncode != 0:
            raise SystemExit(f"motia validate {app} exited with {result.returncode}: the generator is broken")
    return elapsed


def median_of(runs: int, prepare: Callable[[int], None], app: Path) -> float:
    times: list[float] = []
    for run in range(runs):
        prepare(run)
        times.append(validate_once(app))
    return statistics.median(times)


def cold(app: Path, runs: int) -> float:
    return median_of(runs, lambda _run: shutil.rmtree(app / ".motia", ignore_errors=True), app)


def warm(app: Path, runs: int) -> float:
    """Time re-validation after editing one step's handler (a new message each run) on a filled cache."""
    if not (app / ".motia").exists():
        validate_once(app)  # fill the cache (a cold run just before leaves it filled)
    target = definition_files(app)[0]
    return median_of(runs, lambda run: _edit_log_message(target, run), app)


def _edit_log_message(path: Path, run: int) -> None:
    text, count = re.subn(
        r'handled[^"]*"', f'handled, edit {run}"', path.read_text(encoding="utf-8"), count=1
    )
    if count != 1:
        raise SystemExit(f"no log message to edit in {path}")
    path.write_text(text, encoding="utf-8")


# -- the baseline: one Python process per definition file, as Motia reads configs --------------------------
_READ_CONFIG = """
import dataclasses, importlib.util, json, sys, types
root, path, name, stub = sys.argv[1:5]
sys.path[:0] = [p for p in (stub, root) if p]
spec = importlib.util.spec_from_file_location(name, path)
module = importlib.util.module_from_spec(spec)
sys.modules[name] = module
spec.loader.exec_module(module)
config = getattr(module, "config", None)
skip = (type, types.ModuleType, types.FunctionType)
for value in [] if config is not None else list(vars(module).values()):
    if isinstance(value, dict) and "config" in value and "handler" in value:
        config = value["config"]
    elif not isinstance(value, (dict, *skip)) and getattr(value, "config", None) is not None:
        config = value.config
def plain(value):
    is_instance = dataclasses.is_dataclass(value) and not isinstance(value, type)
    return dataclasses.asdict(value) if is_instance else str(value)
print(json.dumps(config, default=plain))
"""

_STUB = '''"""Stand-in for the Motia runtime's helpers, for the baseline only: plain dicts."""


def http(method, path, **options):
    return {"type": "http", "method": method, "path": path, **options}


def queue(topic, **options):
    return {"type": "queue", "topic": topic, **options}


def cron(expression, **options):
    return {"type": "cron", "expression": expression, **options}


def state(**options):
    return {"type": "state", **options}


def stream(stream_name, **options):
    return {"type": "stream", "streamName": stream_name, **options}


def StepConfig(**fields):
    return dict(fields)


def step(config, handler=None):
    return {"config": config, "handler": handler}
'''

_HELPERS = ("http", "queue", "cron", "state", "stream", "step", "StepConfig")


def stub_dir(workdir: Path) -> Path | None:
    """A stub `motia` package when the installed runtime lacks the helpers the step files import."""
    probe = f"import motia; raise SystemExit(not all(hasattr(motia, n) for n in {_HELPERS!r}))"
    if subprocess.run([_python(), "-c", probe], capture_output=True, check=False).returncode == 0:
        return None
    package = workdir / "stub" / "motia"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(_STUB, encoding="utf-8")
    return package.parent


def read_config_once(app: Path, path: Path, stub: Path | None) -> float:
    name = ".".join(path.relative_to(app).with_suffix("").parts)
    command = [_python(), "-c", _READ_CONFIG, str(app), str(path), name, str(stub or "")]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0 or json.loads(result.stdout or "null") is None:
        raise SystemExit(f"baseline could not read {path}:\n{result.stderr}")
    return elapsed


@dataclass(frozen=True, slots=True)
class Baseline:
    seconds: float  # for all files (extrapolated when sampled)
    timed: int
    total: int
    stub: bool


def baseline(app: Path, workdir: Path, sample: int, seed: int) -> Baseline:
    files = definition_files(app)
    chosen = files if sample <= 0 or sample >= len(files) else random.Random(seed).sample(files, sample)
    stub = stub_dir(workdir)
    spent = sum(read_config_once(app, path, stub) for path in chosen)
    return Baseline(spent * len(files) / len(chosen), len(chosen), len(files), stub is not None)


# -- what the checks cost ----------------------------------------------------------------------------------
# Runs in a fresh interpreter on a cold app: times every per-file rule (they run while each file is read) and
# the whole-app rules, and the full validation around them; prints JSON.
_CHECK_SHARE = """
import json, sys, time
from pathlib import Path
from motia_gen import frontend
from motia_gen.check import runner
spent = [0.0]
def timed(function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
    return wrapper
frontend.check_definitions = timed(runner.check_definitions)
frontend.check_app = timed(runner.check_app)
start = time.perf_counter()
result = frontend.validate_app(Path(sys.argv[1]), frontend.Overrides(use_cache=False))
total = time.perf_counter() - start
print(json.dumps({"total": total, "checks": spent[0], "diagnostics": len(result.diagnostics)}))
"""


@dataclass(frozen=True, slots=True)
class CheckShare:
    checks: float  # seconds in rules
    parse: float  # seconds in everything else a cold validation does (discovery, parsing, evaluation)


def check_share(app: Path, runs: int) -> CheckShare:
    samples: list[CheckShare] = []
    for _ in range(runs):
        shutil.rmtree(app / ".motia", ignore_errors=True)
        result = subprocess.run(
            [_python(), "-c", _CHECK_SHARE, str(app)], capture_output=True, text=True, check=True
        )
        found = json.loads(result.stdout)
        samples.append(CheckShare(found["checks"], found["total"] - found["checks"]))
    return min(samples, key=lambda s: s.checks / s.parse)  # the least disturbed run


def graph_app(topics: int) -> CheckInput:
    """An in-memory app of `topics` queue steps chained through `topics` topics, one in ten also emitting
    a near-miss of another topic nobody subscribes to (so every did-you-mean search runs)."""
    names = [
        f"{ENTITIES[i % len(ENTITIES)].lower()}.{VERBS['queue'][i % 5].lower()}.{i}" for i in range(topics)
    ]
    steps = []
    for i, topic in enumerate(names):
        file = f"steps/s{i}_step.py"
        span = Span(file, 1, 1, 1, 10)
        emits = [model.Emit(names[i + 1], None, False, span)] if i + 1 < topics else []
        if i % 10 == 0:
            emits.append(model.Emit(names[(i * 7) % topics].replace(".", "_"), None, False, span))
        trigger = model.QueueTrigger(topic, None, None, None, span)
        steps.append(
            model.Step(
                f"Step{i}",
                file,
                None,
                "classic",
                "event",
                span,
                span,
                (trigger,),
                tuple(emits),
                (),
                (),
                (),
                None,
                (),
                None,
                None,
            )
        )
    return CheckInput(model.App(tuple(steps), (), ()), Settings(), Path("."))


def graph_time(topics: int, runs: int) -> float:
    times = []
    for _ in range(runs):
        check = graph_app(topics)
        start = time.perf_counter()
        found = [d for rule in graph.APP_RULES for d in rule(check)]
        times.append(time.perf_counter() - start)
        assert len(found) >= topics // 10, "the near-miss emits must be reported"
    return statistics.median(times)


# -- the run -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Results:
    cold_small: float
    cold_large: float
    warm_large: float
    baseline: Baseline
    small: int
    large: int
    runs: dict[str, int]
    load: tuple[float, float]  # 1-minute load average before and after the run
    share: CheckShare  # on the large app, cold
    graph: dict[int, float]  # topics → seconds in the graph rules
    types: tuple[TypeCosts, ...]  # generate-types and typecheck, per app size
    mixed_small: float  # cold, the same apps with a third of the steps in TypeScript
    mixed_large: float
    mixed_share: CheckShare


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    value: str
    target: str
    verdict: str


def rows(r: Results) -> list[Row]:
    scaling = r.cold_large / r.cold_small
    warm_ratio = r.cold_large / r.warm_large
    base_ratio = r.baseline.seconds / r.cold_large
    share = r.share.checks / r.share.parse
    small_graph, large_graph = sorted(r.graph)
    graph_ratio = r.graph[large_graph] / r.graph[small_graph]

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    return [
        Row(f"cold, ms per step at {r.small} steps", f"{r.cold_small * 1000 / r.small:.2f}", "(info)", "-"),
        Row(f"cold, ms per step at {r.large:,} steps", f"{r.cold_large * 1000 / r.large:.2f}", "(info)", "-"),
        Row(
            f"scaling {r.small} → {r.large:,} steps (cold time ratio)",
            f"{scaling:.2f}×",
            "≤ 11×",
            verdict(scaling <= 11),
        ),
        Row(
            f"cold / warm after one edit, {r.large:,} steps",
            f"{warm_ratio:.1f}×",
            "≥ 10×",
            verdict(warm_ratio >= 10),
        ),
        Row(f"baseline / cold, {r.large:,} steps", f"{base_ratio:.1f}×", "≥ 20×", verdict(base_ratio >= 20)),
        Row(
            f"checks / parse time, {r.large:,} steps (cold)",
            f"{share:.1%}",
            "< 25%",
            verdict(share < 0.25),
        ),
        *mixed_rows(r, verdict),
        Row(
            f"graph checks, {small_graph:,} → {large_graph:,} topics (time ratio; linear is 10×)",
            f"{graph_ratio:.1f}×",
            "≤ 15×",
            verdict(graph_ratio <= 15),
        ),
        *type_rows(r.types, verdict),
    ]


def mixed_rows(r: Results, verdict: Callable[[bool], str]) -> list[Row]:
    """The same targets on the mixed apps (a third of the steps in TypeScript)."""
    scaling = r.mixed_large / r.mixed_small
    share = r.mixed_share.checks / r.mixed_share.parse
    large = f"{r.large:,} steps, a third in TypeScript"
    return [
        Row(f"cold, ms per step at {large}", f"{r.mixed_large * 1000 / r.large:.2f}", "(info)", "-"),
        Row(
            f"scaling {r.small} → {r.large:,} steps, a third in TypeScript (cold time ratio)",
            f"{scaling:.2f}×",
            "≤ 11×",
            verdict(scaling <= 11),
        ),
        Row(f"checks / parse time, {large} (cold)", f"{share:.1%}", "< 25%", verdict(share < 0.25)),
    ]


WARM_TYPECHECK_TARGET = {100: 5.0, 1000: 10.0}


def type_rows(costs: tuple[TypeCosts, ...], verdict: Callable[[bool], str]) -> list[Row]:
    found = []
    for c in costs:
        generate = c.generate_cold / c.validate_cold
        found.append(
            Row(
                f"generate-types / validate, {c.steps:,} steps (cold)",
                f"{generate:.2f}×",
                "≤ 2×",
                verdict(generate <= 2),
            )
        )
    for c in costs:
        warm = c.typecheck_cold / c.typecheck_warm
        target = WARM_TYPECHECK_TARGET.get(c.steps, 5.0)
        found.append(
            Row(
                f"typecheck cold / warm after one edit, {c.steps:,} steps",
                f"{warm:.1f}×",
                f"≥ {target:g}×",
                verdict(warm >= target),
            )
        )
    return found


def type_lines(costs: tuple[TypeCosts, ...], runs: int) -> list[str]:
    return [
        f"- {c.steps:,} steps (median of {runs}): validate cold {c.validate_cold:.3f} s, generate-types cold "
        f"{c.generate_cold:.3f} s, typecheck cold {c.typecheck_cold:.3f} s, typecheck warm after one edit "
        f"{c.typecheck_warm:.3f} s"
        for c in costs
    ]


def raw_lines(r: Results) -> list[str]:
    b = r.baseline
    sampled = (
        f"a random sample of {b.timed} of the {b.total} files, extrapolated linearly to all {b.total}"
        if b.timed < b.total
        else f"all {b.total} files, sequentially"
    )
    stub = "a stub `motia` package (plain dicts)" if b.stub else "the installed `motia` runtime"
    stub = f"; {stub} supplied the helpers"
    return [
        f"- cold `motia validate`, {r.small} steps: {r.cold_small:.3f} s (median of {r.runs['small']})",
        f"- cold `motia validate`, {r.large:,} steps: {r.cold_large:.3f} s (median of {r.runs['large']})",
        f"- warm `motia validate` after one edit, {r.large:,} steps: {r.warm_large:.3f} s "
        f"(median of {r.runs['warm']})",
        f"- baseline (one `python -c` per step/stream file importing it and printing its config as JSON), "
        f"{r.large:,} steps: {b.seconds:.1f} s; timed over {sampled}{stub}",
        f"- checks on the cold {r.large:,}-step run: {r.share.checks:.3f} s in rules (per-file and "
        f"whole-app) against {r.share.parse:.3f} s for the rest (discovery, parsing, evaluation; best of "
        f"{r.runs['share']})",
        f"- mixed apps (every third step a `.step.ts` file with zod schemas, the same plan otherwise): cold "
        f"`motia validate` {r.mixed_small:.3f} s at {r.small} steps (median of {r.runs['small']}), "
        f"{r.mixed_large:.3f} s at {r.large:,} (median of {r.runs['large']}); checks "
        f"{r.mixed_share.checks:.3f} s against {r.mixed_share.parse:.3f} s for the rest",
        f"- graph rules on in-memory apps (median of {r.runs['graph']}): "
        + ", ".join(f"{n:,} topics {seconds * 1000:.1f} ms" for n, seconds in sorted(r.graph.items())),
        *type_lines(r.types, r.runs["types"]),
        f"- 1-minute load average {r.load[0]:.2f} before the run, {r.load[1]:.2f} after (other work on the "
        "machine slows the cold runs most, as they use every CPU)",
    ]


def section(r: Results, command: str) -> str:
    rows_ = [(row.measure, row.value, row.target, row.verdict) for row in rows(r)]
    return "\n".join([measured_line(command), "", *table(rows_), "", *raw_lines(r)])


_INTRO = """## Compile (`motia validate`)

`bench/compile.py` generates deterministic synthetic apps of 100 and 1,000 steps (classic dict configs,
Motia 1.x dict configs and `step(StepConfig(...), handler)` builders in roughly equal parts, importing
pydantic models from shared modules, some through relative imports, plus stream files) and times
`motia validate` in fresh subprocesses: cold (no `.motia/` cache), and warm after editing one step file.
The baseline is what Motia does to read the same configs: one Python process per step file that imports
it and prints its config. The mixed apps are the same plans with every third step written in TypeScript
(zod schemas, classic and 1.x configs), read by the tree-sitter reader and checked with the rest.

"""


def write_docs(r: Results, command: str) -> None:
    write_section("compile", section(r, command), _INTRO)


def measure(workdir: Path, quick: bool, seed: int, sample: int) -> Results:
    runs = (
        {"small": 3, "large": 1, "warm": 1, "share": 1, "graph": 5, "types": 1}
        if quick
        else {"small": 7, "large": 3, "warm": 3, "share": 3, "graph": 9, "types": 3}
    )
    load_before = os.getloadavg()[0]
    small, large = workdir / "app-100", workdir / "app-1000"
    mixed_small, mixed_large = workdir / "mixed-100", workdir / "mixed-1000"
    for app, steps, mixed in ((small, 100, False), (large, 1000, False), (mixed_small, 100, True)):
        _log(f"generating {steps} steps into {app}")
        generate_app(app, steps, seed, mixed=mixed)
    generate_app(mixed_large, 1000, seed, mixed=True)
    _log("cold, 100 steps")
    cold_small = cold(small, runs["small"])
    _log("cold, 1,000 steps")
    cold_large = cold(large, runs["large"])
    _log("warm after one edit, 1,000 steps")
    warm_large = warm(large, runs["warm"])
    _log("checks' share of a cold run, 1,000 steps")
    share = check_share(large, runs["share"])
    _log("mixed apps (a third TypeScript): cold at 100 and 1,000 steps, checks' share")
    mixed = (cold(mixed_small, runs["small"]), cold(mixed_large, runs["large"]))
    mixed_share = check_share(mixed_large, runs["share"])
    _log("graph rules at 100 and 1,000 topics")
    graph = {topics: graph_time(topics, runs["graph"]) for topics in (100, 1000)}
    types = []
    for app, steps in ((small, 100), (large, 1000)):
        _log(f"generate-types and typecheck, {steps:,} steps")
        types.append(
            measure_types(_motia(), app, steps, runs["types"], _edit_log_message, definition_files(app)[0])
        )
    _log(f"baseline, 1,000 steps ({'all files' if sample <= 0 else f'sample of {sample}'})")
    base = baseline(large, workdir, sample, seed)
    load = (load_before, os.getloadavg()[0])
    return Results(
        cold_small,
        cold_large,
        warm_large,
        base,
        100,
        1000,
        runs,
        load,
        share,
        graph,
        tuple(types),
        *mixed,
        mixed_share,
    )


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class Options:
    quick: bool
    write_docs: bool
    seed: int
    sample: int
    workdir: Path | None


def parse_args(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs and a sampled baseline (< 1 minute)")
    parser.add_argument("--write-docs", action="store_true", help="rewrite the compile section of the docs")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated apps")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=None,
        help="files to time for the baseline (0: all; quick: 100)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="generate here and keep the apps")
    args = parser.parse_args(argv)
    sample = args.baseline_sample if args.baseline_sample is not None else (100 if args.quick else 0)
    return Options(args.quick, args.write_docs, args.seed, sample, args.workdir)


@contextmanager
def _workdir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="motia-bench-") as directory:
        yield Path(directory)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    command = " ".join([".venv/bin/python", "bench/compile.py", *(sys.argv[1:] if argv is None else argv)])
    with _workdir(options.workdir) as workdir:
        results = measure(workdir, options.quick, options.seed, options.sample)
    print(section(results, command))
    if options.write_docs:
        write_docs(results, command)
        print(f"wrote {DOCS.relative_to(REPO)}")
    return 0 if all(row.verdict != "FAIL" for row in rows(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
