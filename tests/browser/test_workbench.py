"""Each view of the Workbench on examples/orders under `motia dev`, in headless Chromium: the flow graph
with every step and topic (virtual edges grey, conditional ones dashed with their label), a request sent
from the endpoint form and its trace, a log line arriving live, state and a live stream, a dead letter
replayed from the page, and a compile error shown in Diagnostics after the save."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import pytest

from tests.browser.conftest import DevApp
from tests.e2e.server import eventually

pytestmark = pytest.mark.slow

GREY = "rgb(156,163,175)"


def open_view(page: Any, dev_app: DevApp, view: str) -> None:
    page.goto(f"{dev_app.url}/__motia/#/{view}")
    page.get_by_test_id(f"nav-{view}").wait_for()


def order(dev_app: DevApp, customer: str, sku: str, qty: int = 1) -> str:
    with dev_app.client() as client:
        placed = client.post("/orders", json={"customerId": customer, "items": [{"sku": sku, "qty": qty}]})
        assert placed.status_code == 202, placed.text
        return str(placed.json()["orderId"])


def restock(dev_app: DevApp, sku: str, qty: int) -> None:
    with dev_app.client() as client:
        assert client.put(f"/inventory/{sku}", json={"qty": qty}).status_code == 200


def test_the_flow_graph_draws_every_step_and_topic_with_virtual_and_conditional_edges_styled(
    page: Any, dev_app: DevApp
) -> None:
    open_view(page, dev_app, "flows")
    page.wait_for_function("window.__workbench && window.__workbench.rendered > 0")
    nodes = page.evaluate("window.__workbench.cy.nodes().map(n => [n.id(), n.data('kind')])")
    assert dict(nodes) == {
        "PlaceOrder": "api",
        "OrderStatus": "api",
        "Restock": "api",
        "ReserveStock": "event",
        "ChargePayment": "event",
        "ShipOrder": "noop",
    }
    edges = page.evaluate(
        """window.__workbench.cy.edges().map(e => ({
            source: e.source().id(), target: e.target().id(), topic: e.data('topic'),
            label: e.style('label'), line: e.style('line-style'), color: e.style('line-color')}))"""
    )
    by_topic = {edge["topic"]: edge for edge in edges}
    assert set(by_topic) == {"order.placed", "order.reserved", "order.paid"}
    placed, reserved, paid = by_topic["order.placed"], by_topic["order.reserved"], by_topic["order.paid"]
    assert (placed["source"], placed["target"], placed["line"]) == ("PlaceOrder", "ReserveStock", "solid")
    assert placed["color"] != GREY
    assert (reserved["line"], reserved["label"]) == ("dashed", "In stock (order.reserved)")  # conditional
    assert reserved["color"] != GREY
    assert (paid["source"], paid["target"], paid["color"]) == ("ChargePayment", "ShipOrder", GREY)  # virtual
    assert "Paid" in paid["label"]

    # A step's details: its config, file and line, schemas.
    page.evaluate("window.__workbench.cy.getElementById('PlaceOrder').emit('tap')")
    detail = page.get_by_test_id("step-detail")
    detail.wait_for()
    assert "PlaceOrder" in detail.inner_text()
    assert re.search(r"steps/place_order_step\.py:\d+", page.get_by_test_id("step-location").inner_text())
    assert "customerId" in detail.inner_text()  # the body schema

    # The filter keeps what matches.
    page.get_by_test_id("flow-filter").fill("ShipOrder")
    page.wait_for_function("window.__workbench.cy.nodes(':visible').length < 6")


def test_a_request_sent_from_the_endpoint_form_has_a_trace_through_its_steps(
    page: Any, dev_app: DevApp
) -> None:
    restock(dev_app, "tea", 10)
    open_view(page, dev_app, "endpoints")
    page.locator("[data-testid=endpoint][data-method=POST][data-path='/orders']").click()
    body = page.get_by_test_id("endpoint-body")
    body.wait_for()
    assert "customerId" in body.input_value()  # an example built from the body schema
    body.fill(json.dumps({"customerId": "c-form", "items": [{"sku": "tea", "qty": 1}]}))
    page.get_by_test_id("endpoint-send").click()
    status = page.get_by_test_id("response-status")
    status.wait_for()
    assert status.inner_text().strip().startswith("202")
    link = page.get_by_test_id("response-trace")
    trace_id = link.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{32}", trace_id)
    link.click()
    detail = page.get_by_test_id("trace-detail")
    detail.wait_for()

    def steps() -> list[str] | None:
        rows = page.locator("[data-testid=span-row]")
        found = [rows.nth(i).get_attribute("data-step") or "" for i in range(rows.count())]
        return found if "ChargePayment" in found and found.count("ChargePayment") >= 2 else None

    found = eventually(steps, timeout=15, what="the order's whole trace")
    assert found[0] == "PlaceOrder"
    assert "ReserveStock" in found
    statuses = page.locator("[data-testid=span-row][data-step=ChargePayment]")
    assert statuses.first.get_attribute("data-status") == "error"  # the payment provider's first timeout
    assert statuses.last.get_attribute("data-status") == "ok"  # and its retry
    assert "Order placed" in page.get_by_test_id("trace-logs").inner_text()


def test_a_log_line_appears_live(page: Any, dev_app: DevApp) -> None:
    open_view(page, dev_app, "logs")
    page.get_by_test_id("log-list").wait_for()
    time.sleep(0.3)  # the page's event stream connects
    customer = f"c-live-{uuid.uuid4().hex[:6]}"
    restock(dev_app, "live", 5)
    order_id = order(dev_app, customer, "live")
    page.locator("[data-testid=log-line]", has_text=order_id).first.wait_for()
    page.get_by_test_id("log-filter-text").fill(order_id)
    lines = page.locator("[data-testid=log-line]")
    assert lines.count() >= 1
    assert all(order_id in lines.nth(i).inner_text() for i in range(lines.count()))


def test_state_and_a_live_stream(page: Any, dev_app: DevApp) -> None:
    restock(dev_app, "mate", 3)
    open_view(page, dev_app, "state")
    page.locator("[data-testid=state-group]", has_text="inventory").click()
    page.locator("[data-testid=state-item]", has_text="mate").wait_for()

    customer = f"c-stream-{uuid.uuid4().hex[:6]}"
    first = order(dev_app, customer, "mate")
    open_view(page, dev_app, "streams")
    page.locator("[data-testid=stream-group]", has_text=customer).click()
    page.locator("[data-testid=stream-item]", has_text=first).wait_for()
    second = order(dev_app, customer, "mate")  # arrives while the page shows the group
    page.locator("[data-testid=stream-item]", has_text=second).wait_for()


def test_replaying_a_dead_letter_from_the_page_requeues_it(page: Any, dev_app: DevApp) -> None:
    sku = f"rare-{uuid.uuid4().hex[:6]}"
    order_id = order(dev_app, f"c-{sku}", sku)  # not in stock: it fails into the dead letters
    open_view(page, dev_app, "dead-letters")

    def listed() -> Any:
        page.get_by_test_id("dead-letters-refresh").click()
        row = page.locator("[data-testid=dead-letter]", has_text=order_id)
        return row if row.count() == 1 else None

    row = eventually(listed, timeout=20, what="the dead letter on the page")
    assert "in stock" in row.inner_text()
    restock(dev_app, sku, 1)
    row.get_by_test_id("replay").click()
    page.get_by_test_id("replay-result").wait_for()
    with dev_app.client() as client:
        paid = lambda: client.get(f"/orders/{order_id}").json().get("status") == "paid"  # noqa: E731
        eventually(paid, timeout=20, what="the replayed order paid")
    page.get_by_test_id("dead-letters-refresh").click()
    page.locator("[data-testid=dead-letter]", has_text=order_id).wait_for(state="detached")


def test_a_compile_error_appears_in_diagnostics_after_the_save_and_goes_when_fixed(
    page: Any, dev_app: DevApp
) -> None:
    open_view(page, dev_app, "diagnostics")
    page.get_by_test_id("no-diagnostics").wait_for()
    time.sleep(0.3)  # the page's event stream connects
    broken = dev_app.app / "steps" / "broken_step.py"
    broken.write_text(
        'config = {"type": "event", "name": "Broken", "subscribes": ["order.placed"], "emits": []}\n',
        encoding="utf-8",
    )
    try:
        card = page.locator("[data-testid=diagnostic][data-code=MG104]")
        card.wait_for()
        assert card.get_attribute("data-severity") == "error"
        assert "steps/broken_step.py:1" in card.get_by_test_id("diagnostic-location").inner_text()
        assert "config" in card.get_by_test_id("diagnostic-frame").inner_text()
        page.screenshot(path=str(_artifact("diagnostics-error")), full_page=True)
    finally:
        broken.unlink()
    page.get_by_test_id("no-diagnostics").wait_for()


def _artifact(name: str) -> Any:
    from tests.browser.conftest import artifacts  # noqa: PLC0415

    return artifacts() / f"{name}.png"


def test_a_steps_problems_show_on_its_node(page: Any, dev_app: DevApp) -> None:
    restock_file = dev_app.app / "steps" / "restock_step.py"
    original = restock_file.read_text(encoding="utf-8")
    open_view(page, dev_app, "flows")
    page.wait_for_function("window.__workbench && window.__workbench.rendered > 0")
    time.sleep(0.3)  # the page's event stream connects
    # An emit nothing subscribes to: a warning, so the app still builds and serves.
    restock_file.write_text(original.replace('"enqueues": [],', '"enqueues": ["stock.changed"],'), "utf-8")
    try:
        page.wait_for_function(
            "window.__workbench.cy.getElementById('Restock').data('problems') > 0", timeout=30_000
        )
        node = page.evaluate(
            "(() => { const n = window.__workbench.cy.getElementById('Restock');"
            " return [n.data('severity'), n.style('border-color')]; })()"
        )
        assert node[0] == "warning"
        assert node[1] != page.evaluate(
            "window.__workbench.cy.getElementById('PlaceOrder').style('border-color')"
        )
        page.screenshot(path=str(_artifact("flows-problem")), full_page=True)
    finally:
        restock_file.write_text(original, encoding="utf-8")
    page.wait_for_function(
        "!(window.__workbench.cy.getElementById('Restock').data('problems') > 0)", timeout=30_000
    )


def test_a_typescript_step_saved_into_the_app_shows_with_its_language(page: Any, dev_app: DevApp) -> None:
    """A mixed app under `motia dev`: saving a `.step.ts` file rebuilds, and the step is drawn with its
    edge and says it is not run here."""
    typescript, route = dev_app.app / "steps" / "notify.step.ts", dev_app.app / "steps" / "quote.step.ts"
    route.write_text(
        "export const config = { type: 'api', name: 'Quote', path: '/quotes', method: 'POST', emits: [] }\n",
        encoding="utf-8",
    )
    typescript.write_text(
        "import { z } from 'zod'\n"
        "export const config = { type: 'event', name: 'NotifyCustomer', subscribes: ['order.placed'],\n"
        "  input: z.object({ orderId: z.string() }), emits: [], flows: ['orders'] }\n"
        "export const handler = async () => {}\n",
        encoding="utf-8",
    )
    try:

        def served() -> bool:
            with dev_app.client() as client:
                steps = (client.get("/__motia/api/app").json().get("graph") or {}).get("steps", [])
            return any(s["name"] == "NotifyCustomer" for s in steps)

        eventually(served, what="the rebuild with the TS steps")
        open_view(page, dev_app, "flows")
        page.wait_for_function(
            "window.__workbench && window.__workbench.cy"  # (null until the graph is first drawn)
            " && window.__workbench.cy.getElementById('NotifyCustomer').length"
        )
        node = "window.__workbench.cy.getElementById('NotifyCustomer')"
        sources = page.evaluate(f"{node}.incomers('edge').map(e => e.source().id())")
        assert "PlaceOrder" in sources
        page.evaluate("window.__workbench.cy.getElementById('NotifyCustomer').emit('tap')")
        language = page.get_by_test_id("step-detail").get_by_test_id("step-language")
        assert language.inner_text().startswith("typescript: checked with the app, not run by this runtime")
        page.screenshot(path=str(_artifact("flows-typescript-step")), full_page=True)
        # Its route is listed with the others, but not sent to: this runtime answers it 404.
        open_view(page, dev_app, "endpoints")
        page.locator("[data-testid=endpoint][data-path='/quotes']").click()
        assert "a request here answers 404" in page.get_by_test_id("endpoint-foreign").inner_text()
        assert page.get_by_test_id("endpoint-send").is_disabled()
    finally:
        typescript.unlink()
        route.unlink()
    eventually(lambda: not served(), what="the rebuild without it")
