"""`read_source`: only regular files inside the app, whatever links lie on the way, with each folder's
links resolved once per run."""

from __future__ import annotations

import os
from pathlib import Path

from motia_gen.diagnostics.sources import read_source


def test_links_are_followed_only_inside_the_app(tmp_path: Path) -> None:
    app, outside = tmp_path / "app", tmp_path / "outside"
    (app / "steps").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret_step.py").write_bytes(b"secret = 1\n")
    (app / "steps" / "real_step.py").write_bytes(b"x = 1\n")
    (app / "steps" / "alias_step.py").symlink_to(app / "steps" / "real_step.py")
    (app / "linked").symlink_to(app / "steps")  # a folder link inside the app
    (app / "escape").symlink_to(outside)  # a folder link out of it
    (app / "steps" / "dir_step.py").mkdir()
    os.mkfifo(app / "steps" / "pipe_step.py")
    folders: dict[str, str | None] = {}
    for _ in range(2):  # the second time from the folder cache
        assert read_source(app, "steps/real_step.py", folders) == (b"x = 1\n", None)
        assert read_source(app, "steps/alias_step.py", folders) == (b"x = 1\n", None)
        assert read_source(app, "linked/real_step.py", folders) == (b"x = 1\n", None)
        assert read_source(app, "escape/secret_step.py", folders) == (
            None,
            "it links to a file outside the app",
        )
        assert read_source(app, "../outside/secret_step.py", folders)[0] is None
        assert (
            read_source(app, "steps/dir_step.py", folders)[1]
            == "it is not a regular file (a FIFO, a device or a folder)"
        )
        assert (
            read_source(app, "steps/pipe_step.py", folders)[1]
            == "it is not a regular file (a FIFO, a device or a folder)"
        )
        assert read_source(app, "steps/missing_step.py", folders) == (None, "No such file or directory")
    assert folders["escape"] is None
