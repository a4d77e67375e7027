// Traces: the recent traces (live), and one trace as a waterfall of its spans with its log lines.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../lib/html.js";
import { useStore } from "../lib/store.js";
import { api, enc } from "../lib/api.js";
import { on } from "../lib/events.js";
import { traces, loadTraces } from "../lib/data.js";
import { href } from "../lib/router.js";
import { fmtDateTime, fmtDuration, fmtTime, plural } from "../lib/format.js";
import { Empty, Loading, StatusPill } from "../components.js";
import { LogLine } from "./logs.js";

function duration(t) {
  return typeof t.start === "number" && typeof t.end === "number" ? t.end - t.start : null;
}

function TraceList() {
  const state = useStore(traces);
  useEffect(() => {
    loadTraces();
  }, []);
  if (!state.loaded && !state.list.length) return html`<${Loading} />`;
  return html`<section class="view">
    <div class="toolbar">
      <h1>Traces</h1>
      <span class="muted small">${plural(state.list.length, "trace")}, newest first</span>
    </div>
    ${state.list.length
      ? html`<div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>Started</th>
                <th>Status</th>
                <th>Entry</th>
                <th>Steps</th>
                <th class="num">Spans</th>
                <th class="num">Duration</th>
                <th>Trace id</th>
              </tr>
            </thead>
            <tbody>
              ${state.list.map((t) => {
                const entry = t.entry || {};
                const d = duration(t);
                return html`<tr
                  key=${t.traceId}
                  class="clickable"
                  data-testid="trace-row"
                  data-trace-id=${t.traceId}
                  data-status=${t.status}
                  onClick=${() => (location.hash = href("traces", t.traceId))}
                >
                  <td class="mono nowrap">${fmtTime(t.start)}</td>
                  <td><${StatusPill} status=${t.status} /></td>
                  <td>
                    ${entry.kind ? html`<span class="tag">${entry.kind}</span> ` : null}<span class="mono">${entry.label ?? ""}</span>
                    ${entry.step ? html` <span class="muted small">→ ${entry.step}</span>` : null}
                  </td>
                  <td class="small">${Array.isArray(t.steps) ? t.steps.join(", ") : ""}</td>
                  <td class="num">${t.spans ?? ""}</td>
                  <td class="num nowrap">${d == null ? (t.status === "running" ? "running" : "–") : fmtDuration(d)}</td>
                  <td><a class="mono" href=${href("traces", t.traceId)} onClick=${(e) => e.stopPropagation()}>${t.traceId}</a></td>
                </tr>`;
              })}
            </tbody>
          </table>
        </div>`
      : html`<${Empty} testid="no-traces">No traces yet. Call an endpoint or emit an event.<//>`}
  </section>`;
}

function Waterfall({ trace, spans }) {
  const starts = spans.map((s) => s.start).filter((v) => typeof v === "number");
  const t0 = typeof trace.start === "number" ? trace.start : starts.length ? Math.min(...starts) : 0;
  const now = Date.now();
  const ends = spans.map((s) =>
    typeof s.end === "number"
      ? s.end
      : typeof s.start === "number" && typeof s.durationMs === "number"
        ? s.start + s.durationMs
        : s.status === "running"
          ? now
          : s.start,
  );
  const tEnd = Math.max(typeof trace.end === "number" ? trace.end : t0, ...ends.filter((v) => typeof v === "number"), t0);
  const total = Math.max(tEnd - t0, 1);
  return html`<div class="waterfall">
    <div class="waterfall-head">
      <span>Step</span>
      <span class="scale"><span>0</span><span>${fmtDuration(total / 2)}</span><span>${fmtDuration(total)}</span></span>
    </div>
    ${spans.map((s, i) => {
      const start = typeof s.start === "number" ? s.start : t0;
      const end = ends[i] ?? start;
      const dur = typeof s.durationMs === "number" ? s.durationMs : end - start;
      const left = ((start - t0) / total) * 100;
      const width = Math.max(((end - start) / total) * 100, 0.4);
      const emitted = Array.isArray(s.emitted) ? s.emitted : [];
      return html`<div
        class=${`span-row status-${s.status}`}
        key=${s.id ?? i}
        data-testid="span-row"
        data-step=${s.step}
        data-status=${s.status}
        data-attempt=${s.attempt}
      >
        <div class="span-info">
          <div class="span-title">
            <span class="span-step">${s.step}</span>
            ${s.attempt > 1 ? html`<span class="tag tag-amber" data-testid="span-attempt">attempt ${s.attempt}</span>` : null}
            <${StatusPill} status=${s.status} />
            ${s.httpStatus != null ? html`<span class="tag">HTTP ${s.httpStatus}</span>` : null}
          </div>
          <div class="span-label small">
            ${s.kind ? html`<span class="muted">${s.kind}</span> ` : null}<span class="mono">${s.label ?? ""}</span>
          </div>
          ${emitted.length
            ? html`<div class="small">emitted ${emitted.map((t, j) => html`${j ? ", " : ""}<span class="mono">${t}</span>`)}</div>`
            : null}
          ${s.error ? html`<pre class="span-error" data-testid="span-error">${s.error}</pre>` : null}
        </div>
        <div class="span-track">
          <div class="span-bar" style=${`left:${left}%;width:${width}%`} title=${`${fmtDuration(dur)} from +${fmtDuration(start - t0)}`}></div>
          <span
            class="span-time small mono"
            style=${left + width > 80 ? `right:${100 - left}%;margin-right:6px` : `left:${left + width}%;margin-left:6px`}
          >
            ${s.status === "running" && s.end == null ? "running" : fmtDuration(dur)}
          </span>
        </div>
      </div>`;
    })}
  </div>`;
}

function TraceDetail({ traceId }) {
  const [state, setState] = useState({ loading: true, data: null, missing: false });
  const inflight = useRef(false);
  const again = useRef(false);

  useEffect(() => {
    let alive = true;
    setState({ loading: true, data: null, missing: false });
    const load = () => {
      if (inflight.current) {
        again.current = true;
        return;
      }
      inflight.current = true;
      api(`traces/${enc(traceId)}`, { silentStatuses: [404] })
        .then((data) => alive && setState({ loading: false, data, missing: false }))
        .catch((err) => {
          if (!alive) return;
          setState((prev) => ({ loading: false, data: prev.data, missing: err.status === 404 && !prev.data }));
        })
        .finally(() => {
          inflight.current = false;
          if (alive && again.current) {
            again.current = false;
            load();
          }
        });
    };
    load();
    const off = on("trace", (t) => {
      if (t && t.traceId === traceId) load();
    });
    const offReconnect = on("reconnect", load);
    return () => {
      alive = false;
      off();
      offReconnect();
    };
  }, [traceId]);

  const back = html`<a href=${href("traces")} class="back">← all traces</a>`;
  if (state.loading && !state.data) return html`<section class="view">${back}<${Loading} /></section>`;
  if (!state.data) {
    return html`<section class="view">
      ${back}
      <${Empty} testid="trace-missing"
        >${state.missing
          ? html`No trace <span class="mono">${traceId}</span>: the runtime keeps the most recent traces only.`
          : "The trace could not be loaded."}<//
      >
    </section>`;
  }
  const trace = state.data.trace || { traceId };
  const spans = Array.isArray(state.data.spans) ? state.data.spans.filter(Boolean) : [];
  const logs = Array.isArray(state.data.logs) ? state.data.logs.filter(Boolean) : [];
  const entry = trace.entry || {};
  const d = duration(trace);
  return html`<section class="view" data-testid="trace-detail" data-trace-id=${traceId} data-status=${trace.status}>
    ${back}
    <div class="toolbar">
      <h1 class="mono trace-id">${trace.traceId ?? traceId}</h1>
      <${StatusPill} status=${trace.status} />
    </div>
    <div class="trace-summary small">
      <span>${entry.kind ? html`<span class="tag">${entry.kind}</span> ` : null}<span class="mono">${entry.label ?? ""}</span>${entry.step ? ` → ${entry.step}` : ""}</span>
      <span>started ${fmtDateTime(trace.start)}</span>
      <span>${d == null ? (trace.status === "running" ? "running" : "") : fmtDuration(d)}</span>
      <span>${plural(spans.length, "span")}</span>
    </div>
    ${spans.length ? html`<${Waterfall} trace=${trace} spans=${spans} />` : html`<${Empty}>No spans.<//>`}
    <h2>Logs</h2>
    ${logs.length
      ? html`<div class="log-list static" data-testid="trace-logs">
          ${logs.map((l, i) => html`<${LogLine} key=${l.seq ?? i} line=${l} hideTrace />`)}
        </div>`
      : html`<div class="muted small">No log lines for this trace.</div>`}
  </section>`;
}

export function TracesView({ traceId }) {
  return traceId ? html`<${TraceDetail} key=${traceId} traceId=${traceId} />` : html`<${TraceList} />`;
}
