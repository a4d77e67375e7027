// The page: a header, the left nav (with the diagnostics badge), the error banner and the current view.
import { html } from "./lib/html.js";
import { useRoute, href } from "./lib/router.js";
import { useStore } from "./lib/store.js";
import { app, diagnostics, diagnosticCounts } from "./lib/data.js";
import { connection } from "./lib/events.js";
import { ErrorBanner } from "./components.js";
import { FlowsView } from "./views/flows.js";
import { EndpointsView } from "./views/endpoints.js";
import { TracesView } from "./views/traces.js";
import { LogsView } from "./views/logs.js";
import { StateView } from "./views/state.js";
import { StreamsView } from "./views/streams.js";
import { DeadLettersView } from "./views/dead-letters.js";
import { DiagnosticsView } from "./views/diagnostics.js";

const NAV = [
  ["flows", "Flows"],
  ["endpoints", "Endpoints"],
  ["traces", "Traces"],
  ["logs", "Logs"],
  ["state", "State"],
  ["streams", "Streams"],
  ["dead-letters", "Dead letters"],
  ["diagnostics", "Diagnostics"],
];

function Badge() {
  const diag = useStore(diagnostics);
  const { graph } = useStore(app);
  const { errors, warnings } = diagnosticCounts(diag, graph);
  const total = errors + warnings;
  if (!total) return null;
  const title = `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
  return html`<span
    class=${`badge ${errors ? "badge-error" : "badge-warning"}`}
    data-testid="diagnostics-badge"
    data-errors=${errors}
    data-warnings=${warnings}
    title=${title}
    >${total}</span
  >`;
}

function Nav({ view }) {
  const conn = useStore(connection);
  const state = useStore(app);
  const name = state.app && state.app.name;
  return html`<nav class="nav">
    <div class="brand">
      <div class="brand-title">Workbench</div>
      <div class="brand-app" title="app">
        ${name || "…"}${state.app && state.app.dev ? html` <span class="tag">dev</span>` : null}
      </div>
    </div>
    <ul>
      ${NAV.map(
        ([id, label]) => html`<li key=${id}>
          <a href=${href(id)} class=${view === id ? "active" : ""} data-testid=${`nav-${id}`}>
            <span>${label}</span>
            ${id === "diagnostics" ? html`<${Badge} />` : null}
          </a>
        </li>`,
      )}
    </ul>
    <div class=${`live live-${conn.status}`} data-testid="connection" data-status=${conn.status}>
      <span class="dot"></span>${conn.status === "open" ? "live" : conn.status === "connecting" ? "connecting…" : "reconnecting…"}
    </div>
  </nav>`;
}

function View({ route }) {
  switch (route.view) {
    case "endpoints":
      return html`<${EndpointsView} />`;
    case "traces":
      return html`<${TracesView} traceId=${route.arg} />`;
    case "logs":
      return html`<${LogsView} />`;
    case "state":
      return html`<${StateView} />`;
    case "streams":
      return html`<${StreamsView} />`;
    case "dead-letters":
      return html`<${DeadLettersView} />`;
    case "diagnostics":
      return html`<${DiagnosticsView} />`;
    default:
      return html`<${FlowsView} flow=${route.arg} />`;
  }
}

export function App() {
  const route = useRoute();
  return html`<div class="shell">
    <${Nav} view=${route.view} />
    <main class="main">
      <${ErrorBanner} />
      <${View} route=${route} />
    </main>
  </div>`;
}
