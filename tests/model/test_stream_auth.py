"""The app's stream `authenticate` hook, found statically and wired into the dispatch module: declared by a
module-level `Motia().set_authenticate(fn)` call or by `[tool.motia] stream-auth = "file.py:function"`,
with a diagnostic for every way a declaration can be wrong."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from motia.runtime import Runtime
from motia.spec import AppSpec
from motia.storage.memory import MemoryBackend
from motia.streams.socket import StreamHub

from motia_gen.diagnostics import Diagnostic
from motia_gen.emit.dispatch import dispatch_files
from motia_gen.frontend import FrontEnd, Overrides, load_app, validate_app
from tests.app_json import render_app_json
from tests.emit.dispatch.test_dispatch import assert_typed_and_clean
from tests.emit.test_build import import_dispatch

PING = """\
from motia import StepConfig, step
from motia.triggers import http


async def ping(req, ctx):
    return {"status": 200, "body": {"ok": True}}


pinged = step(StepConfig(name="Ping", triggers=[http("GET", "/ping")]), ping)
"""
AUTHENTICATE = """\
async def authenticate(input, ctx):
    token = input.headers.get("authorization")
    return {"user": token} if token == "secret" else None
"""
# A `Motia()` instance and the hook, appended to a step file after PING.
CALL = (
    "from motia import Motia\n\nmotia = Motia()\n\n\n"
    + AUTHENTICATE
    + "\n\nmotia.set_authenticate(authenticate)\n"
)


def make_app(root: Path, files: dict[str, str], settings: str = "") -> Path:
    """An app under `root`: the given files (dedented) and a pyproject.toml with `settings` in
    `[tool.motia]`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    pyproject = f'[project]\nname = "auth-app"\nversion = "0.1.0"\n\n[tool.motia]\n{settings}'
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


def found(front: FrontEnd) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.span.file, d.span.line, d.span.column) for d in front.diagnostics]


def only(front: FrontEnd, code: str) -> Diagnostic:
    (diagnostic,) = [d for d in front.diagnostics if d.code == code]
    return diagnostic


def build_dispatch(root: Path) -> Path:
    front = validate_app(root, Overrides(use_cache=False))
    assert front.diagnostics == ()
    out = root / "dist"
    out.mkdir()
    for name, text in dispatch_files(front.app, front.settings, "..", cache_dir=None).items():
        (out / name).write_text(text, encoding="utf-8")
    return out


def admit(spec: AppSpec, headers: dict[str, str]) -> tuple[bool, Any]:
    """What the runtime's WebSocket endpoint decides for a connection with `headers`."""
    scope = {
        "type": "websocket",
        "path": "/",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
    }

    async def main() -> tuple[bool, Any]:
        return await StreamHub(Runtime(spec, MemoryBackend())).admit(scope)

    return asyncio.run(main())


# -- wiring ------------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.usefixtures("isolated_imports")
def test_a_set_authenticate_call_is_wired_and_runs_on_connect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(
        tmp_path / "app",
        {
            "steps/ping_step.py": PING + "\n" + CALL,
        },
    )
    dist = build_dispatch(app)
    text = (dist / "dispatch.py").read_text(encoding="utf-8")
    assert "import steps.ping_step as ping_step  # noqa: E402" in text
    assert "    authenticate=ping_step.authenticate,\n    settings=" in text

    spec: AppSpec = import_dispatch(dist, monkeypatch, "auth_call_dispatch").APP
    assert spec.streams == ()  # no stream: the hook is wired all the same
    assert spec.authenticate is sys.modules["steps.ping_step"].authenticate
    assert admit(spec, {"Authorization": "secret"}) == (True, {"user": "secret"})
    assert admit(spec, {"Authorization": "wrong"}) == (False, None)


@pytest.mark.slow
@pytest.mark.usefixtures("isolated_imports")
def test_a_hook_imported_from_another_module_is_wired_from_its_own_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(
        tmp_path / "app",
        {
            "steps/ping_step.py": PING,
            "hooklib/__init__.py": "",
            "hooklib/security.py": AUTHENTICATE.replace("authenticate(input, ctx)", "check(input)"),
            "hooklib/app.py": "from motia import Motia\n\nmotia = Motia()\n",
            "realtime/chat_stream.py": """\
                from motia import StreamConfig

                from hooklib.app import motia
                from hooklib.security import check

                config = StreamConfig(name="chat")
                motia.set_authenticate(handler=check)
            """,
        },
        'dirs = ["steps", "realtime"]\n',
    )
    dist = build_dispatch(app)
    text = (dist / "dispatch.py").read_text(encoding="utf-8")
    assert "import hooklib.security as security  # noqa: E402" in text
    assert "authenticate=security.check," in text

    spec: AppSpec = import_dispatch(dist, monkeypatch, "auth_import_dispatch").APP
    assert spec.authenticate is sys.modules["hooklib.security"].check
    assert admit(spec, {"Authorization": "secret"}) == (True, {"user": "secret"})  # called with (input)


@pytest.mark.slow
@pytest.mark.usefixtures("isolated_imports")
def test_the_stream_auth_setting_is_wired_from_a_file_loaded_by_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(
        tmp_path / "app",
        {"steps/ping_step.py": PING, "authhooks/01-stream-auth.py": AUTHENTICATE},
        'stream-auth = "authhooks/01-stream-auth.py:authenticate"\n',
    )
    dist = build_dispatch(app)
    text = (dist / "dispatch.py").read_text(encoding="utf-8")
    assert "load_path(ROOT, " in text
    assert '"authhooks/01-stream-auth.py"' in text

    spec: AppSpec = import_dispatch(dist, monkeypatch, "auth_setting_dispatch").APP
    hook = spec.authenticate
    assert hook is not None
    assert hook.__name__ == "authenticate"
    assert hook is sys.modules[hook.__module__].authenticate
    assert sys.modules[hook.__module__].__file__ == str(app / "authhooks" / "01-stream-auth.py")
    assert admit(spec, {"Authorization": "secret"}) == (True, {"user": "secret"})
    assert admit(spec, {}) == (False, None)


@pytest.mark.slow
def test_the_dispatch_module_with_a_hook_passes_mypy_strict_and_ruff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for form, files, settings in (
        ("call", {"steps/ping_step.py": PING + "\n" + CALL}, ""),
        (
            "module",
            {"steps/ping_step.py": PING, "auth.py": AUTHENTICATE},
            'stream-auth = "auth.py:authenticate"',
        ),
        (
            "path",
            {"steps/ping_step.py": PING, "auth-hook.py": AUTHENTICATE},
            'stream-auth = "auth-hook.py:authenticate"',
        ),
    ):
        app = make_app(tmp_path / form, files, settings)
        dist = build_dispatch(app)
        assert "authenticate=" in (dist / "dispatch.py").read_text(encoding="utf-8")
        assert_typed_and_clean(dist, [app], monkeypatch, tmp_path / "mypy-cache")


def test_the_hook_is_in_the_app_model_and_app_json_only_when_declared(tmp_path: Path) -> None:
    app = make_app(tmp_path, {"steps/ping_step.py": PING, "auth.py": AUTHENTICATE})
    front = load_app(app, Overrides(use_cache=False))
    assert front.app.authenticate is None
    assert "authenticate" not in json.loads(render_app_json(front.app)["app.json"])

    (app / "pyproject.toml").write_text(
        '[tool.motia]\nstream-auth = "auth.py:authenticate"\n', encoding="utf-8"
    )
    front = load_app(app, Overrides(use_cache=False))
    hook = front.app.authenticate
    assert hook is not None
    assert (hook.module, hook.file, hook.name, hook.is_async, hook.arity) == (
        "auth",
        "auth.py",
        "authenticate",
        True,
        2,
    )
    listed = json.loads(render_app_json(front.app)["app.json"])["authenticate"]
    assert (listed["file"], listed["name"], listed["span"]) == ("auth.py", "authenticate", "auth.py:1:11")


def test_the_hook_is_found_again_when_every_file_comes_from_the_compile_cache(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {
            "steps/ping_step.py": PING + "\n" + CALL,
        },
    )
    first = load_app(app)
    second = load_app(app)  # the step file's unit is reused
    assert first.app.authenticate is not None
    assert second.app.authenticate == first.app.authenticate
    assert second.diagnostics == first.diagnostics == ()


def test_generating_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {"steps/ping_step.py": PING, "auth.py": AUTHENTICATE},
        'stream-auth = "auth.py:authenticate"\n',
    )
    front = load_app(app, Overrides(use_cache=False))
    assert dispatch_files(front.app, front.settings, "..") == dispatch_files(front.app, front.settings, "..")


# -- set_authenticate(...) that cannot be wired: MG229 -----------------------------------------------------
def _call_app(tmp_path: Path, body: str) -> FrontEnd:
    header = "from motia import Motia\n\nmotia = Motia()\n\n\ndef make():\n    return None\n\n\n"
    return load_app(
        make_app(tmp_path, {"steps/ping_step.py": PING + "\n" + header + textwrap.dedent(body)}),
        Overrides(use_cache=False),
    )


@pytest.mark.parametrize(
    ("body", "column", "words"),
    [
        ("motia.set_authenticate(lambda i: True)\n", 24, "not a lambda"),
        ("motia.set_authenticate(authentic)\n", 24, "name 'authentic' is not defined at module level"),
        ("motia.set_authenticate(make())\n", 24, "not a call"),
        ("hook = lambda i: True\nmotia.set_authenticate(hook)\n", 24, "'hook', bound to a lambda"),
        ("class Auth:\n    pass\n\n\nmotia.set_authenticate(Auth)\n", 24, "class 'Auth'"),
        (
            "import os\n\nmotia.set_authenticate(os.path.exists)\n",
            24,
            "'os.path.exists', which is not defined",
        ),
        ("motia.set_authenticate()\n", 1, "takes one argument"),
        ("motia.set_authenticate(make, make)\n", 1, "takes one argument"),
        ("other = make()\nother.set_authenticate(make)\n", 1, "Motia() instance only"),
    ],
)
def test_a_hook_that_is_not_a_module_level_function_is_mg229_at_the_argument(
    tmp_path: Path, body: str, column: int, words: str
) -> None:
    front = _call_app(tmp_path, body)
    diagnostic = only(front, "MG229")
    assert diagnostic.span.file == "steps/ping_step.py"
    assert (diagnostic.span.line, diagnostic.span.column) == (
        PING.count("\n") + 10 + body.count("\n"),
        column,
    )
    assert words in diagnostic.message
    assert front.app.authenticate is None


# -- a hook the runtime cannot call: MG230 -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("signature", "problem"),
    [
        ("()", "takes no positional parameter"),
        ("(*, token)", "takes no positional parameter"),
        ("(input, ctx, extra)", "requires 3 positional arguments"),
    ],
)
def test_a_hook_that_cannot_take_input_or_input_and_ctx_is_mg230(
    tmp_path: Path, signature: str, problem: str
) -> None:
    app = make_app(
        tmp_path,
        {
            "steps/ping_step.py": PING,
            "hooks.py": f"\n\nasync def authenticate{signature}:\n    return True\n",
        },
        'stream-auth = "hooks.py:authenticate"\n',
    )
    front = load_app(app, Overrides(use_cache=False))
    assert found(front) == [("MG230", "hooks.py", 3, 11)]
    diagnostic = only(front, "MG230")
    assert problem in diagnostic.message
    assert [r.span.label() for r in diagnostic.related] == ["pyproject.toml:6:1"]


@pytest.mark.parametrize("signature", ["(input)", "(input, ctx)", "(input, ctx=None, extra=None)", "(*args)"])
def test_hooks_the_runtime_can_call_are_accepted(tmp_path: Path, signature: str) -> None:
    app = make_app(
        tmp_path,
        {"steps/ping_step.py": PING, "hooks.py": f"def authenticate{signature}:\n    return True\n"},
        'stream-auth = "hooks.py:authenticate"\n',
    )
    front = load_app(app, Overrides(use_cache=False))
    assert front.diagnostics == ()
    assert front.app.authenticate is not None


# -- two declarations: MG231 -------------------------------------------------------------------------------
def test_two_set_authenticate_calls_are_mg231_naming_both(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {
            "steps/a_step.py": PING + "\n" + CALL,
            "steps/b_step.py": PING.replace('"Ping"', '"Pong"').replace("/ping", "/pong") + "\n" + CALL,
        },
    )
    front = load_app(app, Overrides(use_cache=False))
    line = (PING + "\n" + CALL).count("\n")
    assert found(front) == [("MG231", "steps/b_step.py", line, 1)]
    diagnostic = only(front, "MG231")
    assert f"steps/a_step.py:{line}:1" in diagnostic.message
    assert [r.span.label() for r in diagnostic.related] == [f"steps/a_step.py:{line}:1"]
    assert front.app.authenticate is not None
    assert front.app.authenticate.file == "steps/a_step.py"  # the first declaration is wired


def test_a_call_and_the_setting_are_mg231_naming_both(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {"steps/ping_step.py": PING + "\n" + CALL, "auth.py": AUTHENTICATE},
        'stream-auth = "auth.py:authenticate"\n',
    )
    front = load_app(app, Overrides(use_cache=False))
    line = (PING + "\n" + CALL).count("\n")
    assert found(front) == [("MG231", "steps/ping_step.py", line, 1)]
    diagnostic = only(front, "MG231")
    assert "pyproject.toml:6:1" in diagnostic.message
    assert [r.span.label() for r in diagnostic.related] == ["pyproject.toml:6:1"]


# -- a stream-auth setting that names no hook: MG114 (MG111 for a wrong type) ------------------------------
@pytest.mark.parametrize(
    ("value", "code", "words"),
    [
        ('"auth.py"', "MG114", "is not of the form"),
        ('"auth.txt:authenticate"', "MG114", "is not of the form"),
        ('"auth.py:not a name"', "MG114", "is not of the form"),
        ('"auth.py:"', "MG114", "is not of the form"),
        ('"../auth.py:authenticate"', "MG114", "is outside the project"),
        ('"/etc/auth.py:authenticate"', "MG114", "is outside the project"),
        ('"missing.py:authenticate"', "MG114", "does not exist"),
        ('"auth.py:authorize"', "MG114", "has no module-level function 'authorize'"),
        ('"auth.py:TOKEN"', "MG114", "(it is 'TOKEN', bound to a constant)"),
        ("3", "MG111", "must be a string"),
    ],
)
def test_a_stream_auth_setting_that_names_no_function_is_an_error_at_the_setting(
    tmp_path: Path, value: str, code: str, words: str
) -> None:
    app = make_app(
        tmp_path / "app",
        {"steps/ping_step.py": PING, "auth.py": 'TOKEN = "x"\n\n\n' + AUTHENTICATE},
        f"stream-auth = {value}\n",
    )
    (tmp_path / "auth.py").write_text(AUTHENTICATE, encoding="utf-8")  # a real file, outside the app
    front = load_app(app, Overrides(use_cache=False))
    assert found(front) == [(code, "pyproject.toml", 6, 1)]
    assert words in front.diagnostics[0].message
    assert front.app.authenticate is None


def test_the_setting_may_name_a_function_its_file_imports(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {
            "steps/ping_step.py": PING,
            "auth/__init__.py": "from auth.impl import authenticate as check\n",
            "auth/impl.py": AUTHENTICATE,
        },
        'stream-auth = "auth/__init__.py:check"\n',
    )
    front = load_app(app, Overrides(use_cache=False))
    assert front.diagnostics == ()
    assert front.app.authenticate is not None
    assert (front.app.authenticate.file, front.app.authenticate.name) == ("auth/impl.py", "authenticate")


def test_a_setting_file_that_does_not_parse_reports_its_syntax_error(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {"steps/ping_step.py": PING, "auth.py": "def authenticate(:\n"},
        'stream-auth = "auth.py:authenticate"\n',
    )
    front = load_app(app, Overrides(use_cache=False))
    assert [code for code, file, *_ in found(front) if file == "auth.py"] == ["MG101"]
    assert front.app.authenticate is None
