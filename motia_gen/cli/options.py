"""Options more than one command takes. Light to import: `motia start` loads this without the compiler."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

AppPath = Annotated[
    Path,
    typer.Argument(
        exists=True, file_okay=False, dir_okay=True, help="The app's root folder.", show_default="."
    ),
]
"""The app's root folder, the first argument of every command that reads an app."""

UseCache = Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse results in .motia/.")]
Check = Annotated[
    bool, typer.Option("--check", help="Write nothing; exit 1 with a diff when the output is stale.")
]

WorkbenchToken = Annotated[
    str | None,
    typer.Option(
        "--workbench-token",
        envvar="MOTIA_WORKBENCH_TOKEN",
        help="The token the Workbench asks for (open /__motia/?token=...); needed off loopback.",
    ),
]


class Format(StrEnum):
    """How diagnostics are printed (`--format`)."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="How to print diagnostics.")]
