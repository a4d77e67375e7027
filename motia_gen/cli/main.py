"""The `motia` command line. Thin: parse options once, call the stages, print or write the results.

Exit codes: 0 clean, 1 errors (or warnings under --strict), 2 usage or internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from motia_gen.cli.build import build_command
from motia_gen.cli.create import create_command
from motia_gen.cli.dev import dev
from motia_gen.cli.generate import generate_app
from motia_gen.cli.ops import dlq_app, emit
from motia_gen.cli.options import AppPath, Format, FormatOption, UseCache
from motia_gen.cli.output import report
from motia_gen.cli.start import start
from motia_gen.cli.store import cron_app, state_app, stream_app
from motia_gen.cli.types import generate_types, typecheck
from motia_gen.diagnostics import has_errors
from motia_gen.frontend import Overrides, validate_app
from motia_gen.version import __version__

app = typer.Typer(
    rich_markup_mode=None,  # plain help: docstrings as written, no markup eaten
    name="motia",
    help="Compile, check and run Motia-style step apps, statically: no user code runs at build time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(generate_app, name="generate")
app.command("create")(create_command)
app.command("build")(build_command)
app.command("start")(start)
app.command("dev")(dev)
app.command("emit")(emit)
app.command("generate-types")(generate_types)
app.command("typecheck")(typecheck)
app.add_typer(dlq_app, name="dlq")
app.add_typer(state_app, name="state")
app.add_typer(stream_app, name="stream")
app.add_typer(cron_app, name="cron")


@app.command()
def version() -> None:
    """Print the motia-gen version."""
    typer.echo(f"motia-gen {__version__}")


def _print_version(wanted: bool) -> None:
    if wanted:
        version()
        raise typer.Exit(0)


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Compile, check and run Motia-style step apps, statically: no user code runs at build time."""


@app.command()
def validate(
    path: AppPath = Path("."),
    output_format: FormatOption = Format.text,
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    directories: Annotated[
        list[str] | None, typer.Option("--dir", "-d", help="Folder to search for steps (repeatable).")
    ] = None,
    include: Annotated[
        list[str] | None, typer.Option(help="Extra glob of step/stream files (repeatable).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="Glob of files to leave out (repeatable).")
    ] = None,
    use_cache: UseCache = True,
) -> None:
    """Read every step and stream statically and report problems with their exact positions."""
    root = path.resolve()
    overrides = Overrides(
        dirs=tuple(directories or ()),
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        use_cache=use_cache,
    )
    result = validate_app(root, overrides)
    report(root, result, output_format)
    raise typer.Exit(1 if has_errors(result.diagnostics, strict=strict) else 0)


def main() -> None:
    """Console entry point: any exception escaping the compiler is a bug, reported with exit code 2."""
    code = _run()
    # Skip the interpreter's teardown: it would free a large app's objects one by one, a noticeable part
    # of a cached run. Nothing is left to clean up (no threads or processes outlive a command).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _run() -> int:
    try:
        app()
    except SystemExit as done:
        return _exit_code(done.code)
    except KeyboardInterrupt:
        return 130
    except BaseException as error:  # the last line of defence
        import traceback  # noqa: PLC0415 (only for a bug report)

        traceback.print_exc()
        sys.stderr.write(f"motia: internal error: {error!r}; this is a bug in motia-gen\n")
        return 2
    return 0


def _exit_code(code: str | int | None) -> int:
    if isinstance(code, str):  # what `sys.exit("message")` means
        sys.stderr.write(code + "\n")
        return 1
    return code or 0


if __name__ == "__main__":
    main()
