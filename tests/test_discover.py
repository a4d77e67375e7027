from __future__ import annotations

from pathlib import Path

from motia_gen.discover import SourceFile, discover
from motia_gen.settings import Settings


def touch(root: Path, *paths: str) -> None:
    for relative in paths:
        file = root / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("", encoding="utf-8")


def test_finds_both_naming_styles_under_default_dirs_sorted(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "steps/b_step.py",
        "steps/a.step.py",
        "steps/sub/03-send-email_step.py",
        "src/chat_stream.py",
        "src/x.stream.py",
        "steps/helpers.py",
        "other/ignored_step.py",
    )
    assert discover(tmp_path, Settings()) == (
        SourceFile("src/chat_stream.py", "stream"),
        SourceFile("src/x.stream.py", "stream"),
        SourceFile("steps/a.step.py", "step"),
        SourceFile("steps/b_step.py", "step"),
        SourceFile("steps/sub/03-send-email_step.py", "step"),
    )


def test_skips_caches_hidden_folders_and_virtualenvs(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "steps/__pycache__/a_step.py",
        "steps/.hidden/b_step.py",
        "steps/node_modules/c_step.py",
        "steps/venv/lib/d_step.py",
        "steps/venv/pyvenv.cfg",
        "steps/real_step.py",
    )
    assert [f.path for f in discover(tmp_path, Settings())] == ["steps/real_step.py"]


def test_dirs_include_and_exclude_settings(tmp_path: Path) -> None:
    touch(tmp_path, "flows/a_step.py", "flows/legacy/b_step.py", "extra/c_step.py", "steps/d_step.py")
    settings = Settings(dirs=("flows",), include=("extra/*_step.py",), exclude=("flows/legacy/*",))
    assert [f.path for f in discover(tmp_path, settings)] == ["extra/c_step.py", "flows/a_step.py"]


def test_finds_typescript_and_javascript_steps_and_streams_by_motias_names(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "steps/api.step.ts",
        "steps/view.step.tsx",
        "steps/event.step.js",
        "steps/widget.step.jsx",
        "steps/legacy_step.ts",
        "steps/old_step.js",
        "steps/chat.stream.ts",
        "steps/feed.stream.js",
        "steps/helpers.ts",
        "steps/types.d.ts",
        "steps/step.ts",
        "steps/node_modules/lib/x.step.ts",
    )
    found = discover(tmp_path, Settings())
    assert [(f.path, f.kind, f.language) for f in found] == [
        ("steps/api.step.ts", "step", "typescript"),
        ("steps/chat.stream.ts", "stream", "typescript"),
        ("steps/event.step.js", "step", "javascript"),
        ("steps/feed.stream.js", "stream", "javascript"),
        ("steps/legacy_step.ts", "step", "typescript"),
        ("steps/old_step.js", "step", "javascript"),
        ("steps/view.step.tsx", "step", "typescript"),
        ("steps/widget.step.jsx", "step", "javascript"),
    ]
    assert SourceFile("steps/a_step.py", "step").language == "python"
