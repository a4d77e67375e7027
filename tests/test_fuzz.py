"""Property: whatever the input, the front end never raises and every diagnostic has a real position."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motia_gen.diagnostics import Diagnostic
from motia_gen.diagnostics.render import source_lines
from motia_gen.frontend import Overrides, validate_app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "golden").rglob("*_step.py")) + sorted((ROOT / "examples").rglob("*_step.py"))
SEED_TEXTS = [p.read_text(encoding="utf-8", errors="replace") for p in SEEDS]

KEYS = [
    "type",
    "name",
    "path",
    "method",
    "emits",
    "subscribes",
    "cron",
    "input",
    "bodySchema",
    "triggers",
    "responseSchema",
    "queryParams",
    "flows",
    "infrastructure",
    "virtualEmits",
    "enqueues",
    "nme",
    "ünïcode",
]
ATOMS = [
    "1",
    "-2.5",
    "True",
    "None",
    "'api'",
    "'event'",
    "'cron'",
    "'noop'",
    "'/x/:id'",
    "'GET'",
    "[]",
    "{}",
    "http('GET', '/a')",
    "queue('t')",
    "cron('* * * * *')",
    "state()",
    "stream('s')",
    "lambda x: x",
    "UNDEFINED",
    "Model.model_json_schema()",
    "Model",
    "f'{NAME}'",
    "NAME",
    "os.environ",
    "step(CFG)",
    "StepConfig(name='x', triggers=[])",
    "{**BASE}",
    "[*ITEMS]",
    "handler",
    "b'x'",
    "1 if x else 2",
]
HEADER = (
    "import os\nfrom motia import http, queue, cron, state, stream, step, StepConfig\n"
    "from pydantic import BaseModel, Field\n"
    "class Model(BaseModel):\n    a: int = Field(ge=0)\n    b: 'str | None' = None\n"
    "NAME = 'n'\nBASE = {'flows': ['f']}\nITEMS = ['i']\nCFG = StepConfig(name='c', triggers=[queue('t')])\n"
)

values = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(KEYS).map(repr), inner, max_size=5).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=12,
)
configs = st.dictionaries(st.sampled_from(KEYS), values, max_size=8).map(
    lambda d: (
        HEADER
        + "config = {"
        + ", ".join(f"{k!r}: {v}" for k, v in d.items())
        + "}\n"
        + "async def handler(req, context):\n    await context.emit({'topic': NAME, 'data': {}})\n"
    )
)
mutated = st.tuples(
    st.sampled_from(SEED_TEXTS), st.integers(0, 3000), st.integers(0, 40), st.text(max_size=8)
).map(lambda t: t[0][: t[1]] + t[3] + t[0][t[1] + t[2] :])
truncated = st.tuples(st.sampled_from(SEED_TEXTS), st.integers(0, 3000)).map(lambda t: t[0][: t[1]])
sources = st.one_of(configs, mutated, truncated, st.text(max_size=200))
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\x00."),
    min_size=1,
    max_size=12,
)


def assert_real_positions(diagnostics: tuple[Diagnostic, ...], texts: dict[str, str]) -> None:
    for d in diagnostics:
        assert d.span.line >= 1, d
        assert d.span.column >= 1, d
        assert (d.span.end_line, d.span.end_column) >= (d.span.line, d.span.column), d
        if d.span.file in texts:
            assert d.span.line <= len(source_lines(texts[d.span.file])), d


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(
        st.tuples(names, sources, st.sampled_from(["_step.py", ".step.py", "_stream.py"])),
        min_size=1,
        max_size=3,
    ),
    raw=st.binary(max_size=40),
)
def test_front_end_never_raises_and_positions_are_real(files: list[tuple[str, str, str]], raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "steps").mkdir()
        texts: dict[str, str] = {}
        for index, (stem, text, suffix) in enumerate(files):
            relative = f"steps/f{index}{stem}{suffix}"
            try:
                (root / relative).write_text(text, encoding="utf-8", errors="surrogatepass")
            except (OSError, UnicodeError):
                continue
            texts[relative] = text
        (root / "steps" / "raw_step.py").write_bytes(raw)
        texts["steps/raw_step.py"] = raw.decode("utf-8", errors="replace")
        result = validate_app(root, Overrides(use_cache=False, workers=1))
    assert_real_positions(result.diagnostics, texts)


TS_SEEDS = [
    p.read_text(encoding="utf-8")
    for pattern in ("*.step.ts", "*.step.js", "*.stream.ts", "*.stream.js", "*.ts")
    for p in sorted((ROOT / "golden").rglob(pattern))
    if "handlers_bad" not in p.parts
]
TS_ATOMS = ["1", "'api'", "'event'", "[]", "{}", "z.string()", "z.object({ a: z.number() })", "TOPICS.x", "X"]
ts_values = st.recursive(
    st.sampled_from(TS_ATOMS),
    lambda inner: st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    max_leaves=8,
)
ts_configs = st.dictionaries(st.sampled_from(KEYS), ts_values, max_size=8).map(
    lambda d: (
        "import { z } from 'zod'\nimport { X, TOPICS } from './shared'\nexport const config = {"
        + ", ".join(f"{k}: {v}" for k, v in d.items())
        + "} as const\n"
    )
)
ts_mutated = st.tuples(
    st.sampled_from(TS_SEEDS), st.integers(0, 1500), st.integers(0, 40), st.text(max_size=8)
).map(lambda t: t[0][: t[1]] + t[3] + t[0][t[1] + t[2] :])
ts_sources = st.one_of(ts_configs, ts_mutated, st.text(max_size=200))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=st.lists(
        st.tuples(
            ts_sources, st.sampled_from([".step.ts", ".step.js", ".step.tsx", "_step.js", ".stream.ts"])
        ),
        min_size=1,
        max_size=3,
    ),
    shared=ts_sources,
    python=sources,
)
def test_typescript_files_never_make_the_front_end_raise(
    files: list[tuple[str, str]], shared: str, python: str
) -> None:
    """TS/JS step and stream files, and a module their configs import, beside a Python step: whatever
    they hold, nothing raises and every position is real."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "steps").mkdir()
        texts = {f"steps/f{i}{suffix}": text for i, (text, suffix) in enumerate(files)}
        texts |= {"steps/shared.ts": shared, "steps/p_step.py": python}
        for relative, text in texts.items():
            (root / relative).write_text(text, encoding="utf-8", errors="surrogatepass")
        result = validate_app(root, Overrides(use_cache=False, workers=1))
    assert_real_positions(result.diagnostics, texts)
