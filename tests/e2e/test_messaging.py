"""examples/messaging end to end, over real HTTP: the API call, the event it emits, the state and stream
items the handlers write, the cron job on its schedule, and bad input answered without running anything."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.e2e.server import build, copy_example, eventually, read_record, running

pytestmark = pytest.mark.slow


def test_message_flows_from_api_through_queue_and_cron(tmp_path: Path) -> None:
    app = copy_example("messaging", tmp_path)
    cron_step = app / "steps" / "daily_summary_step.py"
    # Every second instead of 09:00, so the scheduler's run is seen within the test.
    cron_step.write_text(cron_step.read_text().replace('"0 9 * * *"', '"* * * * * *"'), encoding="utf-8")
    build(app)
    with running(app) as server, server.client() as client:
        sent = client.post("/messages", json={"text": "hello", "userId": "u-1"})
        assert sent.status_code == 201, sent.text
        assert sent.json() == {"text": "hello", "userId": "u-1", "status": "sent"}
        trace = sent.headers["x-trace-id"]

        processed = eventually(lambda: read_record(app, "state", "processed", "u-1"), what="ProcessMessage")
        assert processed == {"text": "hello", "userId": "u-1", "status": "processed"}
        assert read_record(app, "stream:messages", "u-1", "latest")["status"] in {"sent", "processed"}
        eventually(lambda: read_record(app, "state", "counters", "processed") == 1, what="RecordProcessed")

        def counted_summary() -> dict[str, object] | None:
            found = read_record(app, "state", "summaries", "daily")
            return found if found is not None and found["total"] >= 1 else None

        summary = eventually(counted_summary, what="a cron run after the message")
        assert summary["status"] == "completed"
        assert read_record(app, "stream:summary", "daily", "latest") is not None
        eventually(
            lambda: any(line.get("msg") == "Summary published" for line in server.logs()),
            what="PublishSummary after the cron run",
        )

        logs = server.logs()
        sent_line = next(line for line in logs if line.get("msg") == "Message sent")
        assert sent_line["traceId"] == trace
        assert sent_line["step"] == "SendMessage"
        processed_line = next(line for line in logs if line.get("msg") == "Message processed")
        assert processed_line["traceId"] == trace  # the event carried the request's trace id
        cron_line = next(line for line in logs if line.get("msg") == "Daily summary generated")
        assert cron_line["traceId"] != trace  # each cron run has a trace id of its own

        invalid = client.post("/messages", json={"text": "", "userId": 7})
        assert invalid.status_code == 400
        problems = invalid.json()["errors"]
        assert {problem["path"] for problem in problems} == {"/text", "/userId"}
        assert invalid.headers["x-trace-id"]
        not_json = client.post("/messages", content=b"{nope", headers={"content-type": "application/json"})
        assert not_json.status_code == 400
        assert client.get("/messages").status_code == 405
        assert client.get("/nowhere").status_code == 404
    # uvicorn shuts down gracefully on SIGTERM, then re-raises it so supervisors see how the process ended.
    assert server.process.returncode in {0, -signal.SIGTERM}
