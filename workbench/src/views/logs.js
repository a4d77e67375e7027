// Logs: the live tail, filtered on the page by step, minimum level, trace id and text.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { html } from "../lib/html.js";
import { useStore } from "../lib/store.js";
import { app, graphSteps, logs, loadLogs } from "../lib/data.js";
import { fmtTime, levelRank, plural } from "../lib/format.js";
import { Empty, Loading, TraceLink } from "../components.js";

const LEVELS = ["debug", "info", "warn", "error"];
let started = false;

function fieldsText(fields) {
  if (!fields || typeof fields !== "object") return "";
  const entries = Object.entries(fields);
  if (!entries.length) return "";
  return entries
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

// Fields whose value spans lines (a traceback, say) are shown as blocks under the message.
function splitFields(fields) {
  const inline = {};
  const blocks = [];
  if (fields && typeof fields === "object") {
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v === "string" && v.includes("\n")) blocks.push([k, v]);
      else inline[k] = v;
    }
  }
  return { inline, blocks };
}

export function LogLine({ line, hideTrace = false }) {
  const level = String(line.level || "info").toLowerCase();
  const { inline, blocks } = splitFields(line.fields);
  const fields = fieldsText(inline);
  return html`<div
    class=${`log-line level-${level}`}
    data-testid="log-line"
    data-level=${level}
    data-step=${line.step ?? ""}
    data-trace-id=${line.traceId ?? ""}
  >
    <span class="log-time mono">${fmtTime(line.time)}</span>
    <span class="log-level mono">${level}</span>
    <span class="log-step">${line.step ?? ""}</span>
    <span class="log-msg">${line.msg ?? ""}${fields ? html` <span class="log-fields mono">${fields}</span>` : null}</span>
    ${hideTrace ? null : html`<span class="log-trace">${line.traceId ? html`<${TraceLink} id=${line.traceId} />` : null}</span>`}
    ${blocks.map(([k, v]) => html`<pre class="log-block" key=${k}><span class="muted">${k}:</span>${"\n"}${v.replace(/\s+$/, "")}</pre>`)}
  </div>`;
}

export function LogsView() {
  const state = useStore(logs);
  const { graph } = useStore(app);
  const [step, setStep] = useState("");
  const [level, setLevel] = useState("debug");
  const [trace, setTrace] = useState("");
  const [text, setText] = useState("");
  const box = useRef(null);
  const stick = useRef(true);
  const [pinned, setPinned] = useState(true);

  useEffect(() => {
    if (!started) {
      started = true;
      loadLogs();
    }
  }, []);

  const steps = useMemo(() => {
    const names = new Set(graphSteps(graph).map((s) => String(s.name ?? s.id)));
    for (const l of state.list) if (l.step) names.add(String(l.step));
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [graph, state.list]);

  const shown = useMemo(() => {
    const min = levelRank(level);
    const tr = trace.trim();
    const q = text.trim().toLowerCase();
    return state.list.filter((l) => {
      if (step && l.step !== step) return false;
      if (levelRank(l.level) < min) return false;
      if (tr && !String(l.traceId ?? "").includes(tr)) return false;
      if (q) {
        const hay = `${l.msg ?? ""} ${fieldsText(l.fields)}`.toLowerCase();
        if (!hay.includes(q)) return false;
      }
      return true;
    });
  }, [state.list, step, level, trace, text]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [shown]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 30;
    if (stick.current !== pinned) setPinned(stick.current);
  };
  const toBottom = () => {
    stick.current = true;
    setPinned(true);
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  };

  return html`<section class="view view-logs">
    <div class="toolbar">
      <h1>Logs</h1>
      <select data-testid="log-filter-step" value=${step} onChange=${(e) => setStep(e.currentTarget.value)}>
        <option value="">all steps</option>
        ${steps.map((s) => html`<option key=${s} value=${s}>${s}</option>`)}
      </select>
      <select data-testid="log-filter-level" value=${level} onChange=${(e) => setLevel(e.currentTarget.value)}>
        ${LEVELS.map((l) => html`<option key=${l} value=${l}>${l === "debug" ? "debug (all)" : `${l} and up`}</option>`)}
      </select>
      <input
        type="search"
        placeholder="trace id"
        data-testid="log-filter-trace"
        value=${trace}
        onInput=${(e) => setTrace(e.currentTarget.value)}
      />
      <input
        type="search"
        class="grow"
        placeholder="text in message or fields"
        data-testid="log-filter-text"
        value=${text}
        onInput=${(e) => setText(e.currentTarget.value)}
      />
      <span class="muted small nowrap">${shown.length} of ${plural(state.list.length, "line")}</span>
    </div>
    ${!state.loaded && !state.list.length
      ? html`<${Loading} />`
      : html`<div class="log-list" ref=${box} onScroll=${onScroll} data-testid="log-list">
          ${shown.length
            ? shown.map((l) => html`<${LogLine} key=${l.__key} line=${l} />`)
            : html`<${Empty}>${state.list.length ? "No line matches the filters." : "No log lines yet."}<//>`}
        </div>`}
    ${pinned ? null : html`<button class="to-bottom" onClick=${toBottom}>↓ newest</button>`}
  </section>`;
}
