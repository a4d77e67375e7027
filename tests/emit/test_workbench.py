"""`dist/workbench.json`: the app as the Workbench shows it, written by `motia build` from the checked
model (steps with their places and schemas, the topic graph with virtual and conditional edges, streams,
the build's diagnostics with code frames and steps), the same bytes for the same app."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from motia_gen.diagnostics.render import line_reader
from motia_gen.emit.workbench import workbench_document, workbench_files
from motia_gen.frontend import Overrides, validate_app
from tests.paths import REPO


def document(root: Path) -> dict[str, Any]:
    front = validate_app(root, Overrides(use_cache=False))
    return workbench_document(front.app, front.diagnostics, line_reader(root))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_orders_example_has_its_steps_edges_topics_and_stream() -> None:
    graph = document(REPO / "examples" / "orders")
    steps = {s["id"]: s for s in graph["steps"]}
    assert set(steps) == {
        "PlaceOrder",
        "ReserveStock",
        "ChargePayment",
        "OrderStatus",
        "Restock",
        "ShipOrder",
    }
    place = steps["PlaceOrder"]
    assert (place["kind"], place["file"], place["flows"]) == ("api", "steps/place_order_step.py", ["orders"])
    http = place["triggers"][0]
    assert (http["kind"], http["method"], http["path"]) == ("http", "POST", "/orders")
    assert "customerId" in http["bodySchema"]["properties"]
    assert "202" in http["responses"]
    assert steps["ReserveStock"]["triggers"][0]["topic"] == "order.placed"
    kinds = {name: s["kind"] for name, s in steps.items()}
    assert kinds == {
        "PlaceOrder": "api",
        "ReserveStock": "event",
        "ChargePayment": "event",
        "OrderStatus": "api",
        "Restock": "api",
        "ShipOrder": "noop",
    }
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    assert set(edges) == {
        ("PlaceOrder", "ReserveStock"),
        ("ReserveStock", "ChargePayment"),
        ("ChargePayment", "ShipOrder"),
    }
    conditional = edges[("ReserveStock", "ChargePayment")]
    assert (conditional["conditional"], conditional["label"], conditional["virtual"]) == (
        True,
        "In stock",
        False,
    )
    virtual = edges[("ChargePayment", "ShipOrder")]
    assert (virtual["virtual"], virtual["label"], virtual["topic"]) == (True, "Paid", "order.paid")
    assert edges[("PlaceOrder", "ReserveStock")]["virtual"] is False
    topics = {t["name"]: t for t in graph["topics"]}
    assert topics["order.paid"] == {
        "name": "order.paid",
        "emitters": ["ChargePayment"],
        "subscribers": ["ShipOrder"],
    }
    assert [s["name"] for s in graph["streams"]] == ["orders"]
    assert graph["flows"] == ["orders"]
    assert graph["diagnostics"] == []


def test_steps_sharing_a_name_get_distinct_ids_and_diagnostics_carry_frames_and_steps(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "steps/a_step.py": (
                'config = {"type": "event", "name": "Same", "subscribes": ["in"], "emits": ["out"]}\n\n\n'
                "async def handler(data, context):\n"
                '    await context.emit({"topic": "out", "data": {}})\n'
            ),
            "steps/b_step.py": (
                'config = {"type": "event", "name": "Same", "subscribes": ["out"], "emits": []}\n\n\n'
                "async def handler(data, context):\n    pass\n"
            ),
        },
    )
    graph = document(root)
    assert sorted(s["id"] for s in graph["steps"]) == ["Same", "Same#2"]
    assert graph["edges"][0]["source"] != graph["edges"][0]["target"]
    assert graph["diagnostics"], "two steps named alike are reported"
    first = graph["diagnostics"][0]
    assert first["step"] in {"Same", "Same#2"}
    lines = {row["line"]: row["text"] for row in first["frame"]}
    assert first["line"] in lines
    assert (
        lines[first["line"]]
        == (root / first["file"]).read_text(encoding="utf-8").splitlines()[first["line"] - 1]
    )


def test_the_same_app_gives_the_same_bytes(tmp_path: Path) -> None:
    copy = tmp_path / "orders"
    shutil.copytree(REPO / "examples" / "orders", copy, ignore=shutil.ignore_patterns("dist", ".motia"))
    outputs = []
    for _ in range(2):
        front = validate_app(copy, Overrides(use_cache=False))
        outputs.append(workbench_files(front.app, front.diagnostics, line_reader(copy)))
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0]["workbench.json"])["version"] == 1
    assert str(tmp_path) not in outputs[0]["workbench.json"]


def test_a_mixed_app_graph_has_its_typescript_steps_and_their_edges() -> None:
    graph = document(REPO / "golden" / "mixed_users")
    languages = {s["name"]: s["language"] for s in graph["steps"]}
    assert languages == {"CreateUser": "typescript", "WelcomeUser": "python", "AuditWelcome": "javascript"}
    ids = {s["name"]: s["id"] for s in graph["steps"]}
    edges = {(e["source"], e["target"], e["topic"]) for e in graph["edges"]}
    assert (ids["CreateUser"], ids["WelcomeUser"], "user.created") in edges
    assert (ids["WelcomeUser"], ids["AuditWelcome"], "user.welcomed") in edges
