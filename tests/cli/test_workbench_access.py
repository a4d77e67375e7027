"""The Workbench off loopback needs a token: `motia start --workbench` and `motia dev` refuse to serve it
on another address without one, before anything starts; the server process refuses the same when told
through the environment."""

from __future__ import annotations

import pytest

from tests.commands import motia
from tests.paths import REPO

ORDERS = str(REPO / "examples" / "orders")


@pytest.mark.parametrize(
    "command",
    [("start", ORDERS, "--workbench", "--host", "0.0.0.0"), ("dev", ORDERS, "--host", "0.0.0.0")],
)
def test_the_workbench_on_another_address_needs_a_token(command: tuple[str, ...]) -> None:
    result = motia(*command, "--port", "1", env={"MOTIA_WORKBENCH_TOKEN": ""})
    assert result.returncode == 2
    assert "needs a token" in result.stderr or "give it a token" in result.stderr
    assert "--workbench-token" in result.stderr


def test_the_server_process_refuses_too() -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    env = {"MOTIA_WORKBENCH": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "motia", "serve", "nowhere/dist", "--host", "0.0.0.0", "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "needs a token" in result.stderr
