"""`motia generate step`: every trigger kind in both forms gives a file that validates clean under
--strict, builds, type-checks and runs; in a terminal the command asks for what its options leave out."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands import motia

FORMS = ["classic", "1x"]


def _project(tmp_path: Path) -> Path:
    assert motia("create", "shop", cwd=tmp_path).returncode == 0
    return tmp_path / "shop"


def _generate(app: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return motia("generate", "step", str(app), *options)


@pytest.mark.slow
@pytest.mark.parametrize("form", FORMS)
def test_every_kind_validates_clean_builds_type_checks_and_runs(form: str, tmp_path: Path) -> None:
    app = _project(tmp_path)
    steps = [
        ("--name", "CreateUser", "--trigger", "api", "--path", "/users", "--method", "POST"),
        ("--emits", "user.created", "--dir", "users"),
        ("--name", "OnUserCreated", "--trigger", "event", "--subscribes", "user.created"),
        ("--name", "Welcome", "--trigger", "noop", "--subscribes", "user.created"),
        ("--emits", "user.welcomed"),
        ("--name", "Nightly", "--trigger", "cron", "--cron", "0 3 * * *"),
    ]
    for options in (steps[0] + steps[1], steps[2], steps[3] + steps[4], steps[5]):
        result = _generate(app, *options, "--form", form)
        assert result.returncode == 0, result.stderr
    assert (app / "steps" / "users" / "create_user_step.py").is_file()
    checked = motia("validate", "--strict", str(app))
    assert checked.returncode == 0, checked.stdout
    assert "6 steps" in checked.stdout
    assert motia("build", str(app)).returncode == 0
    assert motia("generate-types", str(app)).returncode == 0
    typed = motia("typecheck", str(app))
    assert typed.returncode == 0, typed.stdout + typed.stderr

    script = f"""
import asyncio, sys
sys.path.insert(0, {str(app)!r})
from motia.testing import TestApp
from motia.web.serve import load_dispatch

async def main():
    async with TestApp(load_dispatch({str(app / "dist")!r})) as running:
        answer = await running.post("/users", json={{}})
        assert answer.status_code == 200, answer.text
        await running.wait_idle()
        assert any(line["msg"] == "OnUserCreated received" for line in running.logs)
        await running.run_cron("Nightly")
        assert any(line["msg"] == "Nightly ran" for line in running.logs)

asyncio.run(main())
"""
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr


def test_in_a_terminal_it_asks_for_what_the_options_leave_out(tmp_path: Path) -> None:
    app = _project(tmp_path)
    answers = "ListOrders\napi\n/orders\nGET\n\n1x\n"
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "motia_gen", "generate", "step", str(app)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    os.write(leader, answers.encode())
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=30) == 0, output.decode()
    os.close(leader)
    text = output.decode()
    assert "Step name (e.g. CreateUser):" in text
    assert "Trigger (api, event, cron, noop) [api]:" in text
    written = (app / "steps" / "list_orders_step.py").read_text(encoding="utf-8")
    assert 'http("GET", "/orders")' in written
    assert motia("validate", "--strict", str(app)).returncode == 0


def test_refusals(tmp_path: Path) -> None:
    app = _project(tmp_path)
    missing = _generate(app, "--trigger", "api")  # not in a terminal: nothing to ask
    assert missing.returncode == 2
    assert "--name is required when not run in a terminal" in missing.stderr
    assert _generate(app, "--name", "9Lives", "--trigger", "api").returncode == 2
    assert "unknown trigger 'queue'" in _generate(app, "--name", "A", "--trigger", "queue").stderr
    no_topic = _generate(app, "--name", "OnIt", "--trigger", "event")
    assert (no_topic.returncode, "--subscribes is required" in no_topic.stderr) == (2, True)
    escape = _generate(app, "--name", "Out", "--trigger", "cron", "--dir", "../elsewhere")
    assert escape.returncode == 2
    assert "must stay inside the steps folder" in escape.stderr
    first = _generate(app, "--name", "Tick", "--trigger", "cron")
    assert first.returncode == 0
    again = _generate(app, "--name", "Tick", "--trigger", "cron")
    assert again.returncode == 1
    assert "steps/tick_step.py already exists: nothing was written" in again.stderr
