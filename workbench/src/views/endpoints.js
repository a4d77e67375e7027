// Endpoints: every HTTP trigger of the app, and a form to call one and see the answer.
import { useEffect, useMemo, useState } from "preact/hooks";
import { html } from "../lib/html.js";
import { useStore } from "../lib/store.js";
import { app, graphSteps } from "../lib/data.js";
import { fmtDuration, pretty, triggers } from "../lib/format.js";
import { exampleFor } from "../lib/schema-example.js";
import { Empty, Loading, Method, NoGraph, TraceLink } from "../components.js";

const METHOD_ORDER = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function endpointsOf(graph) {
  const out = [];
  for (const step of graphSteps(graph)) {
    triggers(step).forEach((t, i) => {
      if (t.kind !== "http") return;
      out.push({
        key: `${step.id}#${i}`,
        method: String(t.method || "GET").toUpperCase(),
        path: String(t.path || "/"),
        step,
        trigger: t,
      });
    });
  }
  const rank = (m) => {
    const i = METHOD_ORDER.indexOf(m);
    return i < 0 ? METHOD_ORDER.length : i;
  };
  return out.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : rank(a.method) - rank(b.method),
  );
}

// ":id" (and "{id}") segments of a path.
export function pathParams(path) {
  const names = [];
  for (const segment of path.split("/")) {
    const m = /^:([A-Za-z0-9_]+)$/.exec(segment) || /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
    if (m && !names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

function buildUrl(path, params, query) {
  const filled = path
    .split("/")
    .map((segment) => {
      const m = /^:([A-Za-z0-9_]+)$/.exec(segment) || /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      return m ? encodeURIComponent(params[m[1]] ?? "") : segment;
    })
    .join("/");
  const qs = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== "") qs.append(name, value);
  const s = qs.toString();
  return s ? `${filled}?${s}` : filled;
}

function initialBody(endpoint) {
  if (endpoint.method === "GET" || endpoint.method === "HEAD") return "";
  const schema = endpoint.trigger.bodySchema;
  if (!schema || typeof schema !== "object") return "{}";
  return pretty(exampleFor(schema));
}

function Response({ result }) {
  if (!result) return null;
  if (result.error) {
    return html`<div class="response" data-testid="endpoint-response">
      <div class="response-head">
        <span class="pill status-error" data-testid="response-status">0</span>
        <span class="muted">${result.error}</span>
      </div>
    </div>`;
  }
  const cls = result.status < 300 ? "ok" : result.status < 400 ? "redirect" : result.status < 500 ? "client" : "server";
  return html`<div class="response" data-testid="endpoint-response">
    <div class="response-head">
      <span class=${`pill http-${cls}`} data-testid="response-status">${result.status}</span>
      <span class="muted">${result.statusText}</span>
      <span class="mono small" data-testid="response-time">${fmtDuration(result.ms)}</span>
      ${result.traceId
        ? html`<span class="small">trace <${TraceLink} id=${result.traceId} testid="response-trace" /></span>`
        : null}
    </div>
    <details class="headers">
      <summary>Headers (${result.headers.length})</summary>
      <table class="kv">
        ${result.headers.map(([k, v]) => html`<tr key=${k}><th class="mono">${k}</th><td class="mono">${v}</td></tr>`)}
      </table>
    </details>
    <pre class="json" data-testid="response-body">${result.body === "" ? html`<span class="muted">(empty body)</span>` : result.body}</pre>
  </div>`;
}

function EndpointForm({ endpoint }) {
  // A TypeScript or JavaScript step of a mixed app: checked with the app, served by Motia, not here.
  const language = endpoint.step.language;
  const foreign = Boolean(language) && language !== "python";
  const params = useMemo(() => pathParams(endpoint.path), [endpoint]);
  const queryParams = useMemo(
    () =>
      (Array.isArray(endpoint.trigger.queryParams) ? endpoint.trigger.queryParams : [])
        .map((q) => (typeof q === "string" ? { name: q, description: null } : q))
        .filter((q) => q && q.name),
    [endpoint],
  );
  const [values, setValues] = useState({});
  const [query, setQuery] = useState({});
  const [body, setBody] = useState(() => initialBody(endpoint));
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState(null);
  const hasBody = endpoint.method !== "GET" && endpoint.method !== "HEAD";
  let bodyError = null;
  if (hasBody && body.trim()) {
    try {
      JSON.parse(body);
    } catch (err) {
      bodyError = err.message;
    }
  }

  const send = async (event) => {
    event.preventDefault();
    const url = buildUrl(endpoint.path, values, query);
    const init = { method: endpoint.method, credentials: "same-origin", headers: {} };
    if (hasBody) {
      init.headers["Content-Type"] = "application/json";
      init.body = body;
    }
    setSending(true);
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      const text = await response.text();
      const ms = performance.now() - started;
      let shown = text;
      const type = response.headers.get("content-type") || "";
      if (text && (type.includes("json") || /^[\s]*[[{]/.test(text))) {
        try {
          shown = pretty(JSON.parse(text));
        } catch {
          shown = text;
        }
      }
      const headers = [];
      response.headers.forEach((v, k) => headers.push([k, v]));
      headers.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      setResult({
        status: response.status,
        statusText: response.statusText,
        ms,
        headers,
        body: shown,
        traceId: response.headers.get("x-trace-id"),
      });
    } catch (err) {
      setResult({ error: `Request failed: ${err && err.message ? err.message : err}` });
    } finally {
      setSending(false);
    }
  };

  return html`<form class="endpoint-form" data-testid="endpoint-form" onSubmit=${send}>
    <div class="endpoint-title">
      <${Method} method=${endpoint.method} />
      <span class="mono">${endpoint.path}</span>
      <span class="muted">→ ${endpoint.step.name ?? endpoint.step.id}</span>
    </div>
    ${endpoint.step.description ? html`<p class="description">${endpoint.step.description}</p>` : null}
    ${foreign
      ? html`<p class="warn small" data-testid="endpoint-foreign">
          A ${language} step: this runtime does not serve it (run it on Motia), so a request here answers 404.
        </p>`
      : null}
    ${params.length
      ? html`<fieldset>
          <legend>Path parameters</legend>
          ${params.map(
            (name) => html`<label class="field-row" key=${name}>
              <span class="mono">${name}</span>
              <input
                name=${`param-${name}`}
                data-testid=${`param-${name}`}
                value=${values[name] ?? ""}
                onInput=${(e) => setValues({ ...values, [name]: e.currentTarget.value })}
              />
            </label>`,
          )}
        </fieldset>`
      : null}
    ${queryParams.length
      ? html`<fieldset>
          <legend>Query parameters</legend>
          ${queryParams.map(
            (q) => html`<label class="field-row" key=${q.name}>
              <span class="mono">${q.name}</span>
              <input
                name=${`query-${q.name}`}
                data-testid=${`query-${q.name}`}
                placeholder=${q.description || ""}
                value=${query[q.name] ?? ""}
                onInput=${(e) => setQuery({ ...query, [q.name]: e.currentTarget.value })}
              />
            </label>`,
          )}
        </fieldset>`
      : null}
    ${hasBody
      ? html`<label class="body-field">
          <span>Body (JSON)</span>
          <textarea
            data-testid="endpoint-body"
            spellcheck="false"
            rows=${Math.min(18, Math.max(4, body.split("\n").length + 1))}
            value=${body}
            onInput=${(e) => setBody(e.currentTarget.value)}
          ></textarea>
          ${bodyError ? html`<span class="warn small">Not valid JSON: ${bodyError} (sent as written)</span>` : null}
        </label>`
      : null}
    <div class="actions">
      <button type="submit" class="primary" data-testid="endpoint-send" disabled=${sending || foreign}>
        ${sending ? "Sending…" : "Send"}
      </button>
      <span class="mono small muted">${endpoint.method} ${buildUrl(endpoint.path, values, query)}</span>
    </div>
    <${Response} result=${result} />
  </form>`;
}

export function EndpointsView() {
  const state = useStore(app);
  const graph = state.graph;
  const endpoints = useMemo(() => (graph ? endpointsOf(graph) : []), [graph]);
  const [selectedKey, setSelectedKey] = useState(null);
  useEffect(() => {
    if (selectedKey && !endpoints.some((e) => e.key === selectedKey)) setSelectedKey(null);
  }, [endpoints]);

  if (!state.loaded) return html`<${Loading} />`;
  if (!graph) return html`<${NoGraph} />`;
  const selected = endpoints.find((e) => e.key === selectedKey) || null;
  return html`<section class="view view-split">
    <div class="list-pane">
      <div class="toolbar"><h1>Endpoints</h1><span class="muted small">${endpoints.length}</span></div>
      ${endpoints.length
        ? html`<ul class="list">
            ${endpoints.map(
              (e) => html`<li key=${e.key}>
                <button
                  class=${`list-item ${e.key === selectedKey ? "selected" : ""}`}
                  data-testid="endpoint"
                  data-method=${e.method}
                  data-path=${e.path}
                  data-step=${e.step.id}
                  onClick=${() => setSelectedKey(e.key)}
                >
                  <${Method} method=${e.method} />
                  <span class="mono path">${e.path}</span>
                  <span class="muted small step-name">${e.step.name ?? e.step.id}</span>
                </button>
              </li>`,
            )}
          </ul>`
        : html`<${Empty}>The app has no HTTP endpoints.<//>`}
    </div>
    <div class="detail-pane">
      ${selected
        ? html`<${EndpointForm} key=${selected.key} endpoint=${selected} />`
        : html`<${Empty}>Select an endpoint to call it.<//>`}
    </div>
  </section>`;
}
