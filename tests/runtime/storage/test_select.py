"""Which backend an app runs on: `--backend`, `MOTIA_BACKEND`, `[tool.motia] backend`, else SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from motia.storage.redis_backend import RedisBackend
from motia.storage.select import BackendChoiceError, app_name, chosen, masked, open_backend
from motia.storage.sqlite import SqliteBackend


def test_the_flag_wins_then_the_environment_then_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOTIA_BACKEND", raising=False)
    assert chosen(tmp_path) == "sqlite"
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\n\n[tool.motia]\nbackend = "redis://from-pyproject:6379/0"\n',
        encoding="utf-8",
    )
    assert chosen(tmp_path) == "redis://from-pyproject:6379/0"
    monkeypatch.setenv("MOTIA_BACKEND", "redis://from-env:6379/0")
    assert chosen(tmp_path) == "redis://from-env:6379/0"
    assert chosen(tmp_path, "sqlite") == "sqlite"


def test_redis_keys_are_prefixed_with_the_project_name(tmp_path: Path) -> None:
    assert app_name(tmp_path) == tmp_path.name
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n', encoding="utf-8")
    backend = open_backend(tmp_path, "redis://localhost:6379/0")
    assert isinstance(backend, RedisBackend)
    assert backend.prefix == "motia:shop:"


def test_sqlite_is_the_apps_file_and_anything_else_is_refused(tmp_path: Path) -> None:
    assert isinstance(open_backend(tmp_path, "sqlite"), SqliteBackend)
    with pytest.raises(BackendChoiceError, match="unknown backend 'postgres://u:\\*\\*\\*@db'"):
        open_backend(tmp_path, "postgres://u:secret@db")


def test_passwords_are_never_shown() -> None:
    assert masked("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert masked("rediss://user:pw@cache:6380") == "rediss://user:***@cache:6380"
    assert masked("redis://cache:6379/0") == "redis://cache:6379/0"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("redis://u:pw@host:port/0", "Port"),
        ("redis://host:6379/0?socket_timeout=abc", "socket_timeout"),
        ("rediss://host?ssl_cert_reqs=sometimes", "ssl_cert_reqs"),
    ],
)
def test_a_malformed_redis_url_is_refused_in_a_line(tmp_path: Path, url: str, said: str) -> None:
    with pytest.raises(BackendChoiceError, match=f"invalid Redis URL .*({said})") as refused:
        open_backend(tmp_path, url)
    assert "pw" not in str(refused.value)
