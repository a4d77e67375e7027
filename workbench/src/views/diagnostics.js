// Diagnostics: the compiler's current findings, each with its code frame.
import { html } from "../lib/html.js";
import { useStore } from "../lib/store.js";
import { app, diagnostics, diagnosticCounts, diagnosticList } from "../lib/data.js";
import { fmtTime, plural } from "../lib/format.js";
import { Loading } from "../components.js";

// The part of a frame line covered by the diagnostic: [from, to) in 0-based character offsets,
// or null when the line is outside the range.
function markRange(d, lineNo, text) {
  const line = d.line;
  if (typeof line !== "number") return null;
  const endLine = typeof d.endLine === "number" ? d.endLine : line;
  if (lineNo < line || lineNo > endLine) return null;
  const from = lineNo === line && typeof d.column === "number" ? Math.max(d.column - 1, 0) : 0;
  let to = text.length;
  if (lineNo === endLine && typeof d.endColumn === "number") to = Math.max(d.endColumn - 1, from);
  if (lineNo === line && endLine === line && typeof d.endColumn !== "number") to = Math.max(from + 1, to);
  if (to <= from) to = from + 1;
  return [Math.min(from, text.length), to];
}

function Frame({ d }) {
  const frame = Array.isArray(d.frame) ? d.frame.filter((f) => f && typeof f.line === "number") : [];
  if (!frame.length) return null;
  const width = String(Math.max(...frame.map((f) => f.line))).length;
  return html`<pre class="frame" data-testid="diagnostic-frame">${frame.map((f) => {
    const text = String(f.text ?? "");
    const range = markRange(d, f.line, text);
    const num = String(f.line).padStart(width, " ");
    if (!range) {
      return html`<div class="frame-line" key=${f.line}><span class="ln">${num}</span><span class="gutter"> │ </span>${text}</div>`;
    }
    const [from, to] = range;
    const before = text.slice(0, from);
    const marked = text.slice(from, to);
    const after = text.slice(to);
    const caret = " ".repeat(from) + "^".repeat(Math.max(to - from, 1));
    return html`<div class="frame-line hl" key=${f.line} data-testid="frame-highlight"><span class="ln">${num}</span><span class="gutter"> │ </span>${before}<mark class="frame-mark">${marked || " "}</mark>${after}</div><div class="frame-caret" key=${`${f.line}^`}><span class="ln">${" ".repeat(width)}</span><span class="gutter"> │ </span><span class="caret">${caret}</span></div>`;
  })}</pre>`;
}

function location(x) {
  if (!x || !x.file) return null;
  let s = String(x.file);
  if (x.line != null) s += `:${x.line}`;
  if (x.line != null && x.column != null) s += `:${x.column}`;
  return s;
}

function DiagnosticCard({ d }) {
  const sev = d.severity || "error";
  const related = Array.isArray(d.related) ? d.related.filter(Boolean) : [];
  const loc = location(d);
  return html`<article class=${`diagnostic sev-${sev}`} data-testid="diagnostic" data-code=${d.code} data-severity=${sev}>
    <header>
      <span class=${`sev sev-${sev}`}>${sev}</span>
      <span class="mono code">${d.code}</span>
      ${d.name ? html`<span class="muted">${d.name}</span>` : null}
      ${d.step ? html`<span class="small">step <span class="mono">${d.step}</span></span>` : null}
    </header>
    <div class="message">${d.message}</div>
    ${loc ? html`<div class="mono small loc" data-testid="diagnostic-location">${loc}</div>` : null}
    <${Frame} d=${d} />
    ${d.help ? html`<div class="help"><strong>help:</strong> ${d.help}</div>` : null}
    ${related.length
      ? html`<ul class="related">
          ${related.map(
            (r, i) => html`<li key=${i}><span class="muted">note:</span> ${r.message}${location(r) ? html` <span class="mono small">${location(r)}</span>` : null}</li>`,
          )}
        </ul>`
      : null}
  </article>`;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2, hint: 3 };

export function DiagnosticsView() {
  const diag = useStore(diagnostics);
  const { graph } = useStore(app);
  if (!diag.loaded && !graph) return html`<${Loading} />`;
  const list = diagnosticList(diag, graph)
    .slice()
    .sort(
      (a, b) =>
        (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
        String(a.file ?? "").localeCompare(String(b.file ?? "")) ||
        (a.line ?? 0) - (b.line ?? 0),
    );
  const { errors, warnings } = diagnosticCounts(diag, graph);
  const updated = diag.doc && typeof diag.doc.updated === "number" ? diag.doc.updated : null;
  return html`<section class="view">
    <div class="toolbar"><h1>Diagnostics</h1></div>
    <div class="summary" data-testid="diagnostics-summary">
      <span class=${errors ? "err" : ""}>${plural(errors, "error")}</span>,
      <span class=${warnings ? "warn" : ""}> ${plural(warnings, "warning")}</span>
      ${list.length > errors + warnings ? html`, ${list.length - errors - warnings} other` : null}
      ${updated ? html`<span class="muted"> · checked at ${fmtTime(updated)}</span>` : null}
    </div>
    ${list.length
      ? html`<div class="diagnostics">${list.map((d, i) => html`<${DiagnosticCard} key=${`${d.code}-${d.file}-${d.line}-${i}`} d=${d} />`)}</div>`
      : html`<div class="empty ok" data-testid="no-diagnostics">No problems</div>`}
  </section>`;
}
