"""One datamodel-code-generator call over a whole JSON Schema document, cached by its digest.

Type generation (TypedDicts for handler types) and build (pydantic models for validators) each make one
call for the whole app. The output depends only on the document, the options and the generator's version,
so it is cached under `<cache_dir>/<kind>-<digest>.py`: a re-run after editing a handler generates
nothing. Only the newest file of a kind is kept.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any


def generate_cached(
    text: str,
    kind: str,
    options: Callable[[], dict[str, Any]],
    cache_dir: Path | None,
    finish: Callable[[str], str] = lambda code: code,
) -> str:
    """The module generated from the JSON document `text`. `kind` names the output (and must change when
    `options` or `finish` do); `options()` gives the generator's keyword arguments beyond the common ones
    (it imports the generator's enums, which are slow to import)."""
    key = f"{kind}|{version('datamodel-code-generator')}|{text}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cached = cache_dir / f"{kind}-{digest}.py" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        return cached.read_text(encoding="utf-8")
    code = finish(_run(text, options()))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for stale in cached.parent.glob(f"{kind}-*.py"):
            stale.unlink(missing_ok=True)
        temporary = cached.with_suffix(".tmp")
        temporary.write_text(code, encoding="utf-8", newline="\n")
        temporary.replace(cached)
    return code


def _run(text: str, options: dict[str, Any]) -> str:
    from datamodel_code_generator import generate  # noqa: PLC0415 (slow to import; only needed here)
    from datamodel_code_generator.enums import InputFileType  # noqa: PLC0415
    from datamodel_code_generator.format import Formatter, PythonVersion  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation notices about future defaults, not about our input
        code = generate(
            text,
            input_file_type=InputFileType.JsonSchema,
            target_python_version=PythonVersion.PY_311,
            formatters=[Formatter.BUILTIN],
            disable_timestamp=True,
            use_title_as_name=True,
            **options,
        )
    if not isinstance(code, str):  # one input document always gives one module
        raise TypeError(f"datamodel-code-generator returned {type(code).__name__}, not one module")
    return code
