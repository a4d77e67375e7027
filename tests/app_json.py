"""`app.json`: the checked app model as sorted, stable JSON (what golden tests snapshot; a test helper)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from motia_gen import model
from motia_gen.diagnostics import Span

# Handler-body details that are inputs to checks, not facts worth a snapshot.
_OMITTED = frozenset({"payload", "locals", "loops"})


def app_document(app: model.App) -> dict[str, Any]:
    document = {"steps": [_plain(s) for s in app.steps], "streams": [_plain(s) for s in app.streams]}
    if app.authenticate is not None:  # listed only when declared, like the streams' own hooks
        document["authenticate"] = _plain(app.authenticate)
    return document


def render_app_json(app: model.App) -> dict[str, str]:
    text = json.dumps(app_document(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return {"app.json": text}


def _plain(value: Any) -> Any:
    if isinstance(value, Span):
        return value.label()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _OMITTED
        }
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value
