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

from motia_gen.emit.pysource import literal


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
    env.filters["pyrepr"] = literal  # a string as Python source, quotes and escapes included
    return env


def render(template: str, **view: Any) -> str:
    return environment().get_template(template).render(**view)
