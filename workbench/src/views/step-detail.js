// The side panel of the step clicked in the graph.
import { html } from "../lib/html.js";
import { triggerDetail, topicOf, triggers } from "../lib/format.js";
import { Json } from "../components.js";

function Schema({ title, value }) {
  if (value === undefined) return null;
  return html`<div class="schema">
    <div class="schema-title">${title}</div>
    ${value === null ? html`<div class="muted small">none</div>` : html`<${Json} value=${value} />`}
  </div>`;
}

function Trigger({ t }) {
  const responses = t.responses && typeof t.responses === "object" ? Object.entries(t.responses) : [];
  const query = Array.isArray(t.queryParams) ? t.queryParams.filter(Boolean) : [];
  return html`<li class="trigger">
    <div class="mono trigger-head"><span class="tag">${t.kind || "?"}</span> ${triggerDetail(t)}</div>
    ${query.length
      ? html`<div class="small">
          query: ${query.map(
            (q, i) => html`${i ? ", " : ""}<code>${q.name}</code>${q.description ? html` <span class="muted">(${q.description})</span>` : null}`,
          )}
        </div>`
      : null}
    ${"bodySchema" in t ? html`<${Schema} title="body" value=${t.bodySchema} />` : null}
    ${responses.map(([status, schema]) => html`<${Schema} key=${status} title=${`response ${status}`} value=${schema} />`)}
    ${"input" in t ? html`<${Schema} title="input" value=${t.input} />` : null}
  </li>`;
}

function Emit({ item, virtual }) {
  const topic = topicOf(item);
  const label = item && typeof item === "object" ? item.label : null;
  const conditional = item && typeof item === "object" && item.conditional;
  return html`<li class="mono">
    ${topic ?? "?"}${label ? html` <span class="muted">“${label}”</span>` : null}
    ${conditional ? html` <span class="tag">conditional</span>` : null}
    ${virtual ? html` <span class="tag tag-grey">virtual</span>` : null}
  </li>`;
}

export function StepDetail({ step, diagnostics, onClose }) {
  const ts = triggers(step);
  const emits = Array.isArray(step.emits) ? step.emits : [];
  const vEmits = Array.isArray(step.virtualEmits) ? step.virtualEmits : [];
  const vSubs = Array.isArray(step.virtualSubscribes) ? step.virtualSubscribes : [];
  const location = step.file ? `${step.file}${step.line != null ? `:${step.line}` : ""}` : null;
  return html`<aside class="side-panel" data-testid="step-detail" data-step=${step.id}>
    <div class="panel-head">
      <div>
        <h2 data-testid="step-name">${step.name ?? step.id}</h2>
        <span class=${`kind kind-${step.kind || "noop"}`}>${step.kind || "noop"}</span>
        ${step.form ? html` <span class="muted small">${step.form}</span>` : null}
      </div>
      <button class="icon" onClick=${onClose} title="Close" aria-label="Close">×</button>
    </div>
    ${step.description ? html`<p class="description">${step.description}</p>` : null}
    ${location ? html`<div class="mono small" data-testid="step-location">${location}</div>` : null}
    ${step.language && step.language !== "python"
      ? html`<p class="muted small" data-testid="step-language">${step.language}: checked with the app, not run by this runtime</p>`
      : null}
    <dl class="facts">
      <dt>id</dt>
      <dd class="mono">${step.id}</dd>
      <dt>flows</dt>
      <dd>${Array.isArray(step.flows) && step.flows.length ? step.flows.join(", ") : html`<span class="muted">none</span>`}</dd>
    </dl>
    <h3>Triggers</h3>
    ${ts.length
      ? html`<ul class="plain">${ts.map((t, i) => html`<${Trigger} key=${i} t=${t} />`)}</ul>`
      : html`<div class="muted small">none</div>`}
    <h3>Emits</h3>
    ${emits.length || vEmits.length
      ? html`<ul class="plain">
          ${emits.map((e, i) => html`<${Emit} key=${`e${i}`} item=${e} />`)}
          ${vEmits.map((e, i) => html`<${Emit} key=${`v${i}`} item=${e} virtual />`)}
        </ul>`
      : html`<div class="muted small">nothing</div>`}
    ${vSubs.length
      ? html`<h3>Virtual subscriptions</h3>
          <ul class="plain">${vSubs.map((e, i) => html`<${Emit} key=${i} item=${e} virtual />`)}</ul>`
      : null}
    <h3>Diagnostics</h3>
    ${diagnostics.length
      ? html`<ul class="plain">
          ${diagnostics.map(
            (d, i) => html`<li key=${i} class=${`step-diag sev-${d.severity}`} data-testid="step-diagnostic">
              <span class="mono">${d.code}</span> ${d.message}
              ${d.line != null ? html` <span class="muted small">(line ${d.line})</span>` : null}
            </li>`,
          )}
        </ul>`
      : html`<div class="muted small">No problems</div>`}
  </aside>`;
}
