// Data shared by several views, kept while the page is open: the app (with its build graph), the
// compiler's diagnostics, the recent traces and the log tail. Each is loaded on first use and then
// kept current from the event stream.
import { api } from "./api.js";
import { on } from "./events.js";
import { createStore } from "./store.js";

// ---- app and graph -------------------------------------------------------------------------------

export const app = createStore({ loaded: false, failed: false, app: null, graph: null, graphKey: "" });

let appLoading = null;
export function loadApp() {
  if (appLoading) return appLoading;
  appLoading = api("app")
    .then((body) => {
      const graph = body && body.graph && typeof body.graph === "object" ? body.graph : null;
      const graphKey = graph ? JSON.stringify(graph) : "";
      const prev = app.get();
      app.set({
        loaded: true,
        failed: false,
        app: body,
        graph: prev.graphKey === graphKey ? prev.graph : graph,
        graphKey,
      });
    })
    .catch(() => {
      if (!app.get().loaded) app.set({ loaded: true, failed: true });
    })
    .finally(() => {
      appLoading = null;
    });
  return appLoading;
}

export function graphSteps(graph) {
  return graph && Array.isArray(graph.steps) ? graph.steps.filter((s) => s && s.id != null) : [];
}

// ---- diagnostics ---------------------------------------------------------------------------------

export const diagnostics = createStore({ loaded: false, doc: null });

export function diagnosticList(state = diagnostics.get(), graph = app.get().graph) {
  if (state.doc && Array.isArray(state.doc.diagnostics)) return state.doc.diagnostics.filter(Boolean);
  if (graph && Array.isArray(graph.diagnostics)) return graph.diagnostics.filter(Boolean);
  return [];
}

export function diagnosticCounts(state = diagnostics.get(), graph = app.get().graph) {
  const list = diagnosticList(state, graph);
  const doc = state.doc;
  const errors =
    doc && typeof doc.errors === "number" ? doc.errors : list.filter((d) => d.severity === "error").length;
  const warnings =
    doc && typeof doc.warnings === "number"
      ? doc.warnings
      : list.filter((d) => d.severity === "warning").length;
  return { errors, warnings };
}

export function loadDiagnostics() {
  return api("diagnostics")
    .then((doc) => diagnostics.set({ loaded: true, doc: doc && typeof doc === "object" ? doc : null }))
    .catch(() => diagnostics.set({ loaded: true }));
}

let appReloadTimer = null;
on("diagnostics", (doc) => {
  diagnostics.set({ loaded: true, doc });
  // A new check may come with a new build: the graph may have changed.
  clearTimeout(appReloadTimer);
  appReloadTimer = setTimeout(loadApp, 300);
});
on("reconnect", () => {
  loadDiagnostics();
  loadApp();
});

// ---- traces --------------------------------------------------------------------------------------

const TRACE_CAP = 1000;
export const traces = createStore({ loaded: false, list: [] });
let tracesStarted = false;

function byStartDesc(a, b) {
  return (b.start || 0) - (a.start || 0);
}

function upsertTraces(list, incoming) {
  const map = new Map(list.map((t) => [t.traceId, t]));
  for (const t of incoming) if (t && t.traceId != null) map.set(t.traceId, t);
  return [...map.values()].sort(byStartDesc).slice(0, TRACE_CAP);
}

export function loadTraces() {
  tracesStarted = true;
  return api("traces?limit=100")
    .then((body) => {
      const list = Array.isArray(body && body.traces) ? body.traces : [];
      traces.set((s) => ({ loaded: true, list: upsertTraces(s.list, list) }));
    })
    .catch(() => traces.set({ loaded: true }));
}

on("trace", (t) => {
  if (!tracesStarted || !t || t.traceId == null) return;
  traces.set((s) => ({ ...s, list: upsertTraces(s.list, [t]) }));
});
on("reconnect", () => {
  if (tracesStarted) loadTraces();
});

// ---- logs ----------------------------------------------------------------------------------------

export const LOG_CAP = 2000;
export const logs = createStore({ loaded: false, list: [] });
let logsStarted = false;
let logsLoading = false;
let pending = [];
let flushTimer = null;
let localSeq = 0;
// The highest seq shown. Lines come in seq order: one at or below it is a line of the snapshot just
// loaded (skipped), or, anywhere else, a runtime that started again (kept).
let lastSeq = null;
let dedupeNextFlush = false;

function keyed(line) {
  if (line.__key === undefined) line.__key = `l${localSeq++}`;
  return line;
}

function accept(incoming, dedupe) {
  const out = [];
  for (const line of incoming) {
    if (!line || typeof line !== "object") continue;
    if (typeof line.seq === "number") {
      if (lastSeq !== null && line.seq <= lastSeq && dedupe) continue;
      lastSeq = line.seq;
    }
    out.push(keyed(line));
  }
  return out;
}

function append(list, fresh) {
  if (!fresh.length) return list;
  const next = list.concat(fresh);
  return next.length > LOG_CAP ? next.slice(next.length - LOG_CAP) : next;
}

function flush() {
  flushTimer = null;
  if (logsLoading || !pending.length) return;
  const batch = pending;
  pending = [];
  const fresh = accept(batch, dedupeNextFlush);
  dedupeNextFlush = false;
  logs.set((s) => ({ ...s, list: append(s.list, fresh) }));
}

export function loadLogs() {
  logsStarted = true;
  logsLoading = true;
  return api("logs?limit=500")
    .then((body) => {
      const loaded = Array.isArray(body && body.logs) ? body.logs.filter(Boolean) : [];
      const seqs = loaded.map((l) => l.seq).filter((n) => typeof n === "number");
      // A snapshot that ends below what is shown comes from a runtime that started again.
      if (lastSeq !== null && seqs.length && Math.max(...seqs) < lastSeq) lastSeq = null;
      const fresh = accept(loaded, true);
      dedupeNextFlush = true;
      logs.set((s) => ({ loaded: true, list: append(s.list, fresh) }));
    })
    .catch(() => logs.set({ loaded: true }))
    .finally(() => {
      logsLoading = false;
      flush();
    });
}

on("log", (line) => {
  if (!logsStarted || !line) return;
  pending.push(line);
  if (pending.length > LOG_CAP) pending = pending.slice(pending.length - LOG_CAP);
  if (!flushTimer) flushTimer = setTimeout(flush, 50);
});
on("reconnect", () => {
  if (logsStarted) loadLogs();
});
