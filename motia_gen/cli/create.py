"""`motia create [NAME|.] [-t python|python-1x]`: a new project, ready to validate, build and test."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from motia_gen.cli.files import write_tree
from motia_gen.scaffold import TEMPLATES, ScaffoldError, plan


def create_command(
    name: Annotated[
        str, typer.Argument(help="The project's folder (made if missing), or '.' for the current one.")
    ] = ".",
    template: Annotated[
        str,
        typer.Option(
            "--template",
            "-t",
            help="python: classic dict configs; python-1x: Motia 1.x triggers (http(...), queue(...)).",
        ),
    ] = "python",
) -> None:
    """Create a project: an API step, an event step and a stream, with a test and a README."""
    root = Path(name)
    try:
        files = plan(root, template)
        taken = [relative for relative in files if (root / relative).exists()]
        if taken:
            raise ScaffoldError(f"{root} already has {', '.join(taken)}: nothing was written")
        write_tree(root, files)
    except (ScaffoldError, OSError) as error:
        typer.echo(f"motia create: {error}", err=True)
        raise typer.Exit(1 if isinstance(error, ScaffoldError) else 2) from None
    for relative in files:
        typer.echo(f"  {(root / relative).as_posix()}")
    where = "" if name == "." else f"cd {name} && "
    typer.echo(f"created {root.resolve().name} ({TEMPLATES[template]} steps). Next:")
    typer.echo(f"  {where}motia validate --strict && motia dev      (tests: pytest, with motia-gen[testing])")
