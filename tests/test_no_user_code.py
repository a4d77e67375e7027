"""The compiler never runs user code: modules that leave a marker when imported leave none."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SIDE_EFFECT = textwrap.dedent(
    """
    import pathlib
    pathlib.Path(__file__).with_suffix(".ran").write_text("imported")
    """
)


def test_validate_imports_nothing_from_the_app(tmp_path: Path) -> None:
    files = {
        "steps/models.py": SIDE_EFFECT
        + "from pydantic import BaseModel\nclass Body(BaseModel):\n    name: str\n",
        "steps/consts.py": SIDE_EFFECT + "TOPIC = 'created'\n",
        "steps/create_step.py": SIDE_EFFECT
        + textwrap.dedent(
            """
            from steps.models import Body
            from steps.consts import TOPIC
            config = {"type": "api", "name": "Create", "path": "/x", "method": "POST",
                      "emits": [TOPIC], "bodySchema": Body.model_json_schema()}
            async def handler(req, context):
                await context.emit({"topic": TOPIC, "data": {}})
                return {"status": 200, "body": {}}
            """
        ),
        "steps/on_created_step.py": SIDE_EFFECT
        + "config = {'type': 'event', 'name': 'On', 'subscribes': ['created'], 'emits': []}\n"
        + "async def handler(i, c):\n    pass\n",
        "steps/things_stream.py": SIDE_EFFECT
        + "config = {'name': 'things', 'schema': {}, 'baseConfig': {}}\n",
    }
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "motia_gen.cli.main", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 steps, 1 stream" in result.stdout
    assert list(tmp_path.rglob("*.ran")) == []
    # The marker mechanism itself works: importing one module does leave a marker.
    subprocess.run([sys.executable, str(tmp_path / "steps" / "consts.py")], check=True)
    assert [p.name for p in tmp_path.rglob("*.ran")] == ["consts.ran"]
