"""`motia build`: the out folder, its determinism and `--check`, and the built dispatch module imported
and inspected without any directory scanning."""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import pathlib
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from motia.spec import AppSpec, RuntimeSettings
from motia.triggers import QueueConfig
from motia.validation import InvalidData  # (imported before the scanning functions are disabled)

from motia_gen.cli.files import write_tree
from motia_gen.emit.types.package import types_files
from motia_gen.frontend import Overrides, validate_app
from motia_gen.settings import load_settings
from tests.commands import motia
from tests.paths import GOLDEN, REPO

ROOT = REPO
ARTIFACTS = {"dispatch.py", "_models.py", "openapi.json", "flows.mmd", "manifest.json"}


def copy_app(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("expected", ".motia", "dist"))
    return target


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _refuse(*args: object, **kwargs: object) -> Any:
    raise AssertionError("the dispatch module scanned a directory")


def import_dispatch(dist: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    """Import `dist/dispatch.py` with every directory-listing function disabled."""
    with monkeypatch.context() as patch:
        patch.setattr(os, "scandir", _refuse)
        patch.setattr(os, "listdir", _refuse)
        patch.setattr(os, "walk", _refuse)
        patch.setattr(glob, "glob", _refuse)
        patch.setattr(glob, "iglob", _refuse)
        for method in ("glob", "rglob", "iterdir"):
            patch.setattr(pathlib.Path, method, _refuse)
        spec = importlib.util.spec_from_file_location(name, dist / "dispatch.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


def _issues(check: Any, value: object) -> list[dict[str, str]]:
    with pytest.raises(InvalidData) as raised:
        check(value)
    return raised.value.issues


@pytest.mark.slow
@pytest.mark.usefixtures("isolated_imports")
def test_messaging_builds_and_its_dispatch_module_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = copy_app(ROOT / "examples" / "messaging", tmp_path)
    front = validate_app(app, Overrides(use_cache=False))
    write_tree(app, types_files(front.app, front.settings.types_package, None))  # the handlers import them
    (app / "pyproject.toml").write_text(
        (app / "pyproject.toml").read_text(encoding="utf-8")
        + 'timezone = "Europe/Paris"\nbody-limit = 4096\ncors-origins = ["https://example.com"]\n',
        encoding="utf-8",
    )
    result = motia("build", str(app), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (result.stdout, result.stderr) == ("", "wrote dist/ (17 files, 17 changed)\n")
    dist = app / "dist"
    files = set(tree(dist))
    assert files >= ARTIFACTS
    assert "types/motia_types/steps/send_message.py" in files
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["artifacts"]) == sorted(files - {"manifest.json"})
    assert str(tmp_path) not in "".join(p.decode() for p in tree(dist).values())  # no absolute paths

    module = import_dispatch(dist, monkeypatch, "messaging_dispatch")
    spec: AppSpec = module.APP
    assert app == module.ROOT
    assert [s.name for s in spec.steps] == [
        "DailySummary",
        "ProcessMessage",
        "PublishSummary",
        "RecordProcessed",
        "SendMessage",
    ]
    assert spec.settings == RuntimeSettings(
        body_limit=4096,
        cors_origins=("https://example.com",),
        emit_endpoint=None,  # unset: the runtime decides (on, except under MOTIA_ENV=production)
        http_timeout=30.0,
        timezone="Europe/Paris",
    )
    (route,) = spec.routes
    assert (route.method, route.path, route.pattern, route.step.name) == (
        "POST",
        "/messages",
        None,
        "SendMessage",
    )
    assert route.step.handler is sys.modules["steps.send_message_step"].handler
    assert route.step.enqueues == frozenset({"message.sent"})
    assert route.step.form == "classic"
    assert route.body is not None
    assert route.body({"text": "hi", "userId": "u1"}) == {"text": "hi", "userId": "u1"}
    assert _issues(route.body, {"text": "", "userId": "u1"}) == [
        {"path": "/text", "message": "'' should be non-empty"}
    ]
    assert _issues(route.body, {"text": 3, "userId": "u1"})[0]["path"] == "/text"

    by_topic = {s.topic: s for s in spec.subscriptions}
    assert set(by_topic) == {"message.sent", "message.processed", "summary.generated"}
    process = by_topic["message.sent"]
    assert process.queue == QueueConfig(type="standard", max_retries=3, visibility_timeout=30)
    assert process.timeout == 10.0
    assert process.input is not None
    summary = by_topic["summary.generated"].input
    assert summary is not None
    assert summary({"total": 3, "status": "completed"})["total"] == 3
    assert _issues(summary, {"total": "3", "status": "completed"})[0]["path"] == "/total"
    assert _issues(summary, {"total": -1, "status": "completed"})[0]["path"] == "/total"
    (cron,) = spec.crons
    assert (cron.expression, cron.step.name, cron.step.arity) == ("0 9 * * *", "DailySummary", 1)
    assert [s.name for s in spec.streams] == ["messages", "summary"]
    assert all(s.schema is not None for s in spec.streams)


@pytest.mark.slow
@pytest.mark.usefixtures("isolated_imports")
def test_files_that_are_not_module_names_are_loaded_by_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = copy_app(GOLDEN / "forms", tmp_path)
    assert motia("build", str(app), "--out", "build/app", "--no-cache").returncode == 0
    dist = app / "build" / "app"
    text = (dist / "dispatch.py").read_text(encoding="utf-8")
    assert 'load_path(ROOT, "steps/classic/nightly.step.py", "steps.classic.nightly_step")' in text
    assert 'ROOT = app_root(__file__, "../..", (".",))' in text

    spec: AppSpec = import_dispatch(dist, monkeypatch, "forms_dispatch").APP
    steps = {s.name: s for s in spec.steps}
    assert "ManualApproval" not in steps  # a noop step has nothing to run
    assert steps["Nightly"].handler.__module__ == "steps.classic.nightly_step"
    assert (steps["Nightly"].form, steps["MultiTrigger"].form) == ("classic", "v1")
    routes = {r.path: r for r in spec.routes}
    order = routes["/api/orders/:id"]
    assert order.pattern is not None
    match = order.pattern.match("/api/orders/42")
    assert match is not None
    assert match.groupdict() == {"id": "42"}
    assert order.pattern.match("/api/orders/42/items") is None
    assert order.params == ("id",)
    assert order.body is not None
    assert order.body({"id": "a", "total": 1}) == {"id": "a", "total": 1}  # a number accepts an integer
    assert _issues(order.body, {"id": "a", "total": "1"}) == [
        {"path": "/total", "message": "'1' is not of type 'number'"}
    ]
    assert _issues(order.body, {"id": "a", "total": 1, "note": 5})[0]["path"] == "/note"
    ping = routes["/ping/:id"]
    assert [m.__name__ for m in ping.middleware] == ["auth"]
    archived = next(s for s in spec.subscriptions if s.topic == "order.archived")
    assert archived.queue == QueueConfig(type="fifo", max_retries=2)
    assert archived.condition is not None
    assert archived.condition.__name__ == "only_big"
    assert archived.index == 1
    assert [(c.expression, c.index) for c in spec.crons] == [("0 */5 * * * *", 2), ("0 3 * * *", 0)]
    assert [(t.stream, t.group_id, t.index) for t in spec.stream_triggers] == [("orders", "all", 4)]
    streams = {s.name: s for s in spec.streams}
    assert set(streams) == {"orders", "chat", "presence"}
    assert streams["chat"].on_join is not None
    assert streams["chat"].on_join.__name__ == "can_join"


def test_building_twice_gives_the_same_bytes_and_check_tells_stale_from_clean(tmp_path: Path) -> None:
    app = copy_app(GOLDEN / "openapi_v1", tmp_path)
    assert motia("build", str(app)).returncode == 0
    first = tree(app / "dist")
    assert motia("build", str(app), "--no-cache").returncode == 0
    assert tree(app / "dist") == first
    clean = motia("build", str(app), "--check")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "dist/ is up to date\n")

    (app / "dist" / "flows.mmd").write_text("stale\n", encoding="utf-8")
    (app / "dist" / "leftover.py").write_text("x = 1\n", encoding="utf-8")
    stale = motia("build", str(app), "--check")
    assert stale.returncode == 1
    assert "--- a/flows.mmd" in stale.stdout
    assert "-stale" in stale.stdout
    assert "--- a/leftover.py" in stale.stdout
    assert "dist/ is stale" in stale.stderr
    assert (app / "dist" / "flows.mmd").read_text(encoding="utf-8") == "stale\n"  # --check writes nothing

    assert motia("build", str(app)).returncode == 0
    assert tree(app / "dist") == first  # the swap leaves nothing of the old folder
    assert not [p.name for p in app.iterdir() if p.name.startswith(".dist.")]


def test_an_app_with_errors_writes_nothing(tmp_path: Path) -> None:
    app = copy_app(GOLDEN / "runtime_settings", tmp_path)
    result = motia("build", str(app))
    assert result.returncode == 1
    assert "error[MG113] [tool.motia] timezone: unknown time zone 'Mars/Olympus_Mons'" in result.stderr
    assert "nothing written" in result.stderr
    assert not (app / "dist").exists()


def test_warnings_stop_the_build_only_under_strict(tmp_path: Path) -> None:
    app = copy_app(GOLDEN / "reassigned", tmp_path)
    strict = motia("build", str(app), "--strict")
    assert strict.returncode == 1
    assert "warning[MG110]" in strict.stderr
    assert not (app / "dist").exists()
    relaxed = motia("build", str(app))
    assert relaxed.returncode == 0
    assert "warning[MG110]" in relaxed.stderr
    assert (app / "dist" / "dispatch.py").is_file()


def test_the_out_folder_must_not_hold_the_app_or_foreign_files(tmp_path: Path) -> None:
    app = copy_app(GOLDEN / "openapi_v1", tmp_path)
    for out in (".", str(tmp_path)):
        result = motia("build", str(app), "--out", out)
        assert result.returncode == 2
        assert "holds the app itself" in result.stderr
    (app / "mine").mkdir()
    (app / "mine" / "notes.txt").write_text("keep\n", encoding="utf-8")
    result = motia("build", str(app), "--out", "mine")
    assert result.returncode == 2
    assert "was not written by motia build" in result.stderr
    assert (app / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep\n"


def _settings(tmp_path: Path, body: str) -> tuple[RuntimeSettings, list[tuple[str, str]]]:
    (tmp_path / "pyproject.toml").write_text("[tool.motia]\n" + body, encoding="utf-8")
    settings, problems = load_settings(tmp_path)
    return settings.runtime, [(p.code, p.message) for p in problems]


def test_runtime_settings_become_the_apps_runtime_settings(tmp_path: Path) -> None:
    assert _settings(tmp_path, "") == (
        RuntimeSettings(
            body_limit=1048576, cors_origins=(), emit_endpoint=None, http_timeout=30.0, timezone="UTC"
        ),
        [],
    )
    body = 'timezone = "America/New_York"\nbody_limit = 10\ncors-origins = false\nemit-endpoint = true\n'
    body += "http-timeout = 2.5\n"
    assert _settings(tmp_path, body) == (
        RuntimeSettings(
            body_limit=10,
            cors_origins=False,
            emit_endpoint=True,
            http_timeout=2.5,
            timezone="America/New_York",
        ),
        [],
    )
    origins = 'cors-origins = ["*", "http://localhost:3000", "https://a.example.com"]\n'
    assert _settings(tmp_path, origins)[0].cors_origins == (
        "*",
        "http://localhost:3000",
        "https://a.example.com",
    )


@pytest.mark.parametrize(
    ("line", "code", "words"),
    [
        ('timezone = "Europe/Pariss"', "MG113", "unknown time zone 'Europe/Pariss'"),
        ("timezone = 3", "MG111", "must be a string"),
        ("body-limit = -5", "MG113", "at least 1 byte, not -5"),
        ("body-limit = true", "MG111", "must be an integer"),
        ("http-timeout = 0", "MG113", "between 0 and 86400 seconds"),
        ('http-timeout = "30s"', "MG111", "must be a number"),
        ('body-limit = "1mb"', "MG111", "must be an integer"),
        ('cors-origins = ["https://a.example.com/"]', "MG113", "'https://a.example.com/' is not an origin"),
        ('cors-origins = "*"', "MG111", "must be a list of strings"),
        ("emit-endpoint = 1", "MG111", "must be true or false"),
    ],
)
def test_bad_runtime_settings_are_reported_and_left_at_their_defaults(
    tmp_path: Path, line: str, code: str, words: str
) -> None:
    runtime, problems = _settings(tmp_path, line + "\n")
    assert len(problems) == 1
    assert problems[0][0] == code
    assert words in problems[0][1]
    assert runtime == RuntimeSettings()
