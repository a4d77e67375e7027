"""`motia generate …`: artifacts generated from the checked app, printed or written (and compared under
`--check`). The documents themselves come from `motia_gen.emit`; this module only handles options and
files."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from motia_gen.cli.files import diff_tree, write_tree
from motia_gen.diagnostics import has_errors
from motia_gen.diagnostics.render import Summary, render_report
from motia_gen.emit.openapi.files import openapi_files
from motia_gen.emit.openapi.info import document_info
from motia_gen.frontend import Overrides, validate_app
from motia_gen.version import __version__

generate_app = typer.Typer(
    help="Generate artifacts from the app (an OpenAPI document).", no_args_is_help=True
)


class OpenApiVersion(StrEnum):
    v3_1 = "3.1"
    v3_0 = "3.0"


@generate_app.command()
def openapi(
    path: Annotated[
        Path,
        typer.Argument(exists=True, file_okay=False, help="The app's root folder.", show_default="."),
    ] = Path("."),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (YAML for .yaml/.yml); stdout when absent."),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", "-t", help="info.title; default: pyproject [project] name.")
    ] = None,
    version: Annotated[
        str | None,
        typer.Option("--version", "-v", help="info.version; default: pyproject [project] version."),
    ] = None,
    openapi_version: Annotated[
        OpenApiVersion, typer.Option("--openapi-version", help="OpenAPI version of the document.")
    ] = OpenApiVersion.v3_1,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 with a diff when --output is stale.")
    ] = False,
) -> None:
    """Write the OpenAPI document of the app's HTTP surface: every http trigger of every step."""
    if check and output is None:
        raise typer.BadParameter("--check needs --output FILE to compare with", param_hint="--check")
    root = path.resolve()
    result = validate_app(root, Overrides())
    if has_errors(result.diagnostics, strict=False):
        summary = Summary(len(result.app.steps), len(result.app.streams), len(result.app.files))
        sys.stderr.write(render_report(result.diagnostics, summary, "text", root, __version__))
        raise typer.Exit(1)
    info = document_info(root, title, version)
    target = output.name if output is not None else "openapi.json"
    files = openapi_files(
        result.app,
        title=info.title,
        version=info.version,
        openapi_version="3.0" if openapi_version is OpenApiVersion.v3_0 else "3.1",
        path=target,
    )
    text = files[target]
    if output is None:
        sys.stdout.write(text)
    elif check:
        raise typer.Exit(_compare(output, text))
    else:
        write_tree(output.parent, {output.name: text})
        sys.stderr.write(f"wrote {output}\n")


def _compare(output: Path, text: str) -> int:
    """0 when the file holds exactly `text`; otherwise 1, with a unified diff on stdout."""
    diff = diff_tree(output.parent, {output.name: text})
    if not diff:
        return 0
    sys.stdout.write(diff)
    sys.stderr.write(f"{output} is stale: run without --check to update it\n")
    return 1
