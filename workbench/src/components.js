// Small pieces shared by the views.
import { html } from "./lib/html.js";
import { useStore } from "./lib/store.js";
import { errors, dismissAll } from "./lib/errors.js";
import { pretty } from "./lib/format.js";
import { href } from "./lib/router.js";

export function ErrorBanner() {
  const { list } = useStore(errors);
  if (!list.length) return null;
  return html`<div class="error-banner" data-testid="error-banner" role="alert">
    <ul>
      ${list.map((e) => html`<li key=${e.key}>${e.text}</li>`)}
    </ul>
    <button class="link" onClick=${dismissAll} title="Dismiss">Dismiss</button>
  </div>`;
}

export function Json({ value, testid, className = "" }) {
  return html`<pre class=${`json ${className}`} data-testid=${testid}>${pretty(value)}</pre>`;
}

export function TraceLink({ id, testid }) {
  if (id == null || id === "") return html`<span class="muted">–</span>`;
  return html`<a class="mono trace-link" href=${href("traces", String(id))} data-testid=${testid}>${id}</a>`;
}

export function Empty({ children, testid }) {
  return html`<div class="empty" data-testid=${testid}>${children}</div>`;
}

export function NoGraph() {
  return html`<${Empty} testid="no-graph"
    >No build information: the app has no <code>dist/workbench.json</code> (run <code>motia build</code>).<//
  >`;
}

export function Loading() {
  return html`<div class="empty muted">Loading…</div>`;
}

export function StatusPill({ status }) {
  const s = status || "unknown";
  return html`<span class=${`pill status-${s}`}>${s}</span>`;
}

export function Method({ method }) {
  const m = (method || "GET").toUpperCase();
  return html`<span class=${`method method-${m.toLowerCase()}`}>${m}</span>`;
}
