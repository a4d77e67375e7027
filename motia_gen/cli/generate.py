"""`motia generate …`: artifacts generated from the checked app, printed or written (and compared under
`--check`). The documents themselves come from `motia_gen.emit`; this module only handles options."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from motia_gen.cli.new_step import step_command
from motia_gen.cli.options import AppPath, Check
from motia_gen.cli.output import Output, deliver, refuse_errors
from motia_gen.frontend import Overrides, validate_app

generate_app = typer.Typer(
    rich_markup_mode=None,  # plain help: docstrings as written, no markup eaten
    help="Generate artifacts from the app (an OpenAPI document).",
    no_args_is_help=True,
)


class OpenApiVersion(StrEnum):
    v3_1 = "3.1"
    v3_0 = "3.0"


@generate_app.command()
def openapi(
    path: AppPath = Path("."),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (YAML for .yaml/.yml), '-' for stdout; default: openapi.json in the app.",
        ),
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
    check: Check = False,
) -> None:
    """Write the OpenAPI document of the app's HTTP surface: every http trigger of every step."""
    root = path.resolve()
    to_stdout = output == Path("-")
    if check and to_stdout:
        raise typer.BadParameter("--check compares with a file, not stdout", param_hint="--check")
    if output is None:
        output = root / "openapi.json"
    result = validate_app(root, Overrides())
    refused = refuse_errors("generate openapi", root, result)
    if refused is not None:
        raise typer.Exit(refused)
    # The generators load with the command that uses them, not with the CLI.
    from motia_gen.emit.openapi.files import openapi_files  # noqa: PLC0415
    from motia_gen.emit.openapi.info import document_info  # noqa: PLC0415

    info = document_info(root, title, version)
    target = "openapi.json" if to_stdout else output.name
    files = openapi_files(
        result.app,
        title=info.title,
        version=info.version,
        openapi_version="3.0" if openapi_version is OpenApiVersion.v3_0 else "3.1",
        path=target,
    )
    if to_stdout:
        sys.stdout.write(files[target])
        return
    hint = "run without --check to update it"
    raise typer.Exit(deliver(Output(output.parent, files, str(output), hint), check=check))


generate_app.command("step")(step_command)
