// Dead letters: messages whose deliveries all failed, each with a button to deliver it again.
import { useEffect, useState } from "preact/hooks";
import { html } from "../lib/html.js";
import { api, enc } from "../lib/api.js";
import { fmtDateTime, plural, pretty } from "../lib/format.js";
import { Empty, Loading, TraceLink } from "../components.js";

export function DeadLettersView() {
  const [list, setList] = useState(null);
  const [busy, setBusy] = useState(null);
  const [result, setResult] = useState(null);

  const load = () =>
    api("dead-letters")
      .then((body) => setList(Array.isArray(body && body.deadLetters) ? body.deadLetters.filter(Boolean) : []))
      .catch(() => setList((l) => l || []));

  useEffect(() => {
    load();
  }, []);

  const replay = async (id) => {
    setBusy(id);
    setResult(null);
    let outcome;
    try {
      const body = await api(`dead-letters/${enc(id)}/replay`, { method: "POST", silentStatuses: [404] });
      const replayed = body && body.replayed != null ? body.replayed : id;
      outcome = {
        ok: true,
        text: `Replayed ${replayed}${body && body.messageId != null ? ` as message ${body.messageId}` : ""}.`,
      };
    } catch (err) {
      outcome = {
        ok: false,
        text: err.status === 404 ? `Dead letter ${id} is gone already.` : `Replay of ${id} failed: ${err.message}`,
      };
    }
    await load();
    setBusy(null);
    setResult(outcome);
  };

  return html`<section class="view">
    <div class="toolbar">
      <h1>Dead letters</h1>
      ${list ? html`<span class="muted small">${plural(list.length, "message")}</span>` : null}
      <button onClick=${load} data-testid="dead-letters-refresh">Refresh</button>
    </div>
    ${result
      ? html`<div class=${`notice ${result.ok ? "notice-ok" : "notice-error"}`} data-testid="replay-result" data-ok=${result.ok}>
          <span>${result.text}</span>
          <button class="link" onClick=${() => setResult(null)} aria-label="Dismiss">×</button>
        </div>`
      : null}
    ${list == null
      ? html`<${Loading} />`
      : list.length
        ? html`<div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th>Id</th>
                  <th>Topic</th>
                  <th>Subscriber</th>
                  <th class="num">Attempts</th>
                  <th>Reason</th>
                  <th>Failed at</th>
                  <th>Data</th>
                  <th>Trace</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (d) => html`<tr key=${d.id} data-testid="dead-letter" data-id=${d.id}>
                    <td class="mono">${d.id}</td>
                    <td class="mono">${d.topic}</td>
                    <td>${d.subscriber}</td>
                    <td class="num">${d.attempts}</td>
                    <td class="reason">${d.reason}</td>
                    <td class="nowrap small">${fmtDateTime(d.failedAt)}</td>
                    <td><pre class="json compact">${pretty(d.data)}</pre></td>
                    <td><${TraceLink} id=${d.traceId} /></td>
                    <td>
                      <button data-testid="replay" disabled=${busy != null} onClick=${() => replay(d.id)}>
                        ${busy === d.id ? "Replaying…" : "Replay"}
                      </button>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<${Empty} testid="no-dead-letters">No dead letters.<//>`}
  </section>`;
}
