from __future__ import annotations

from pathlib import Path

from motia_gen.diagnostics import Severity
from motia_gen.settings import Settings, StreamAuth, load_settings


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == (Settings(), ())


def test_reads_tool_motia_with_dashed_or_underscored_keys(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.motia]\ndirs = ["flows"]\nexternal-topics = ["webhook.in"]\nsource_roots = ["src"]\n',
        encoding="utf-8",
    )
    settings, problems = load_settings(tmp_path)
    assert problems == ()
    assert settings == Settings(dirs=("flows",), external_topics=("webhook.in",), source_roots=("src",))


def test_invalid_toml_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.motia\n", encoding="utf-8")
    settings, problems = load_settings(tmp_path)
    assert settings == Settings()
    assert [(d.code, d.span.file) for d in problems] == [("MG111", "pyproject.toml")]


def test_lint_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.motia.lint]\nignore = ["MG205"]\nseverity = { MG204 = "error" }\n', encoding="utf-8"
    )
    settings, problems = load_settings(tmp_path)
    assert problems == ()
    assert settings.lint.ignore == ("MG205",)
    assert settings.lint.severity == (("MG204", Severity.ERROR),)
    assert [(code, span.line) for code, span in settings.lint.spans] == [("MG205", 2), ("MG204", 3)]


def test_malformed_lint_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.motia.lint]\nignore = "MG205"\nseverity = { MG204 = "fatal" }\nselect = []\n', encoding="utf-8"
    )
    settings, problems = load_settings(tmp_path)
    assert settings.lint.ignore == ()
    assert [(d.code, d.span.line) for d in problems] == [("MG111", 2), ("MG111", 3), ("MG111", 4)]


def test_types_package_is_a_dotted_module_name(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.motia]\ntypes-package = "app.types_out"\n', encoding="utf-8")
    assert load_settings(tmp_path)[0].types_package == "app.types_out"
    pyproject.write_text('[tool.motia]\ntypes-package = "not a-name"\n', encoding="utf-8")
    settings, problems = load_settings(tmp_path)
    assert settings.types_package == "motia_types"
    assert [(p.code, p.span.line) for p in problems] == [("MG111", 2)]


def test_settings_read_the_stream_auth_key(tmp_path: Path) -> None:
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "auth.py").write_text(
        "def authenticate(input):\n    return True\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.motia]\nstream_auth = "./hooks//auth.py:authenticate"\n', encoding="utf-8"
    )
    settings, problems = load_settings(tmp_path)
    assert problems == ()
    assert settings.stream_auth is not None
    assert settings.stream_auth == StreamAuth("hooks/auth.py", "authenticate", settings.stream_auth.span)
    assert settings.stream_auth.span.label() == "pyproject.toml:2:1"


def test_stream_auth_problems_point_at_the_setting(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    for value, code in (
        ("1", "MG111"),
        ('"auth.py"', "MG114"),
        ('"../a.py:f"', "MG114"),
        ('"a.py:f"', "MG114"),
    ):
        pyproject.write_text(f"[tool.motia]\ndirs = []\nstream-auth = {value}\n", encoding="utf-8")
        settings, problems = load_settings(tmp_path)
        assert settings.stream_auth is None
        assert [(p.code, p.span.label()) for p in problems] == [(code, "pyproject.toml:3:1")]


def test_the_backend_is_sqlite_or_a_redis_url(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    for good in ("sqlite", "redis://localhost:6379/0", "rediss://:secret@cache:6380/1", "unix:///tmp/r.sock"):
        pyproject.write_text(f'[tool.motia]\nbackend = "{good}"\n', encoding="utf-8")
        assert load_settings(tmp_path)[1] == ()
    pyproject.write_text('[tool.motia]\ndirs = ["steps"]\nbackend = "postgres://db"\n', encoding="utf-8")
    [problem] = load_settings(tmp_path)[1]
    assert (problem.code, problem.span.line) == ("MG111", 3)
    assert "'sqlite' or a Redis URL" in problem.message
