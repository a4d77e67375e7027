"""The jinja2 environment for generated files: logic-free templates rendering precomputed view models.

Templates ship inside the wheel as `motia_gen/templates/`; in a source checkout they are the top-level
`templates/` folder.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2


def _template_dir() -> Path:
    installed = Path(str(files("motia_gen"))) / "templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_template_dir()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = python_literal  # a string as Python source, quotes and escapes included
    return env


def python_literal(value: object) -> str:
    """`repr`, with double quotes for strings as ruff's formatter writes them where it can."""
    text = repr(value)
    if isinstance(value, str) and text.startswith("'") and '"' not in value:
        return '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def render(template: str, **view: Any) -> str:
    return environment().get_template(template).render(**view)
