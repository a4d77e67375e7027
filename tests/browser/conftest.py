"""The Workbench in a real browser: a copy of examples/orders under `motia dev`, and headless Chromium
(Debian's `chromium`, which `./scripts/test` installs) driven by Playwright. Every test saves a screenshot
of its view under `test-artifacts/workbench/` (or `$MOTIA_TEST_ARTIFACTS/workbench/`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import copy_example, eventually, free_port
from tests.paths import REPO

STATIC = REPO / "runtime" / "motia" / "workbench" / "static"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError("the browser tests need Debian's chromium: ./scripts/system-packages installs it")
    return found


def artifacts() -> Path:
    folder = Path(os.environ.get("MOTIA_TEST_ARTIFACTS", REPO / "test-artifacts")) / "workbench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class DevApp:
    app: Path
    url: str
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


@pytest.fixture(scope="module")
def dev_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevApp]:
    if not (STATIC / "index.html").is_file():
        raise RuntimeError("the Workbench page is not built: run ./scripts/build-workbench")
    folder = tmp_path_factory.mktemp("workbench")
    app = copy_example("orders", folder)
    port = free_port()
    log = folder / "dev.log"
    with log.open("w", encoding="utf-8") as out:
        command = [sys.executable, "-m", "motia_gen", "dev", str(app), "--port", str(port)]
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        said = lambda: "motia dev: serving on" in log.read_text(encoding="utf-8")  # noqa: E731
        eventually(said, timeout=60, what="motia dev serving")
        yield DevApp(app, f"http://127.0.0.1:{port}", log)
    finally:
        process.send_signal(subprocess.signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (a dev dependency)

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield opened
        assert errors == [], f"the page threw: {errors}"
    finally:
        opened.screenshot(path=str(artifacts() / f"{request.node.name}.png"), full_page=True)
        context.close()
