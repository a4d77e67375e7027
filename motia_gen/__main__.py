"""The `motia` console script. `motia start` runs without importing the compiler, so a server starts
as fast as the runtime allows; every other command goes through `motia_gen.cli.main`."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["start"]:
        from motia_gen.cli.start import start_app  # noqa: PLC0415

        start_app(args=sys.argv[2:], prog_name="motia start")
        return
    from motia_gen.cli.main import main as full  # noqa: PLC0415

    full()


if __name__ == "__main__":
    main()
