// Flows: the graph of the steps (one flow or all), a filter, and the selected step's details.
import { useEffect, useMemo, useState } from "preact/hooks";
import { html } from "../lib/html.js";
import { useStore } from "../lib/store.js";
import { app, diagnostics, diagnosticList, graphSteps } from "../lib/data.js";
import { navigate } from "../lib/router.js";
import { stepSubtitle, topicOf, triggers } from "../lib/format.js";
import { Loading, NoGraph, Empty } from "../components.js";
import { FlowGraph, KIND_STYLES, EDGE_COLOR, VIRTUAL_COLOR } from "./graph.js";
import { StepDetail } from "./step-detail.js";

function flowNames(graph) {
  const names = Array.isArray(graph.flows) ? graph.flows : [];
  return names.map((f) => (f && typeof f === "object" ? f.name : f)).filter((f) => typeof f === "string");
}

function stepTopics(step) {
  const out = [];
  for (const t of triggers(step)) if (t.topic != null) out.push(String(t.topic));
  for (const key of ["emits", "virtualEmits", "virtualSubscribes"]) {
    if (Array.isArray(step[key])) for (const item of step[key]) {
      const topic = topicOf(item);
      if (topic != null) out.push(String(topic));
    }
  }
  return out;
}

function stepMatches(step, q) {
  const has = (v) => v != null && String(v).toLowerCase().includes(q);
  if (has(step.name) || has(step.id)) return true;
  if (stepTopics(step).some(has)) return true;
  return triggers(step).some((t) => has(t.path));
}

function buildElements(graph, flow, filter) {
  let steps = graphSteps(graph);
  if (flow !== "all") steps = steps.filter((s) => Array.isArray(s.flows) && s.flows.includes(flow));
  const q = filter.trim().toLowerCase();
  if (q) steps = steps.filter((s) => stepMatches(s, q));
  const ids = new Set(steps.map((s) => String(s.id)));
  const nodes = steps.map((s) => {
    const name = s.name ?? String(s.id);
    const sub = stepSubtitle(s);
    return {
      group: "nodes",
      data: {
        id: String(s.id),
        name,
        kind: s.kind || "noop",
        label: sub ? `${name}\n${sub}` : name,
        problems: 0,
        severity: "",
      },
    };
  });
  const edges = [];
  const list = Array.isArray(graph.edges) ? graph.edges : [];
  list.forEach((e, i) => {
    if (!e || !ids.has(String(e.source)) || !ids.has(String(e.target))) return;
    const label = e.label ?? null;
    const topic = e.topic ?? null;
    edges.push({
      group: "edges",
      data: {
        id: `edge-${i}`,
        source: String(e.source),
        target: String(e.target),
        topic,
        label,
        virtual: !!e.virtual,
        conditional: !!e.conditional,
        text: label != null && label !== "" ? (topic != null ? `${label} (${topic})` : String(label)) : (topic ?? ""),
      },
    });
  });
  return { nodes, edges };
}

export function diagnosticsByStep(list, steps) {
  const byName = new Map();
  for (const s of steps) byName.set(String(s.name ?? s.id), String(s.id));
  const map = new Map();
  for (const d of list) {
    if (!d || d.step == null) continue;
    const key = String(d.step);
    const id = steps.some((s) => String(s.id) === key) ? key : byName.get(key);
    if (id == null) continue;
    if (!map.has(id)) map.set(id, []);
    map.get(id).push(d);
  }
  return map;
}

function useDebounced(value, ms) {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    if (value === current) return undefined;
    const t = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return current;
}

function Legend({ kinds }) {
  return html`<div class="legend">
    ${Object.entries(KIND_STYLES).filter(([kind]) => kinds.has(kind)).map(
      ([kind, s]) => html`<span class="legend-item" key=${kind}>
        <span class=${`swatch shape-${kind}`} style=${`background:${s.fill};border-color:${s.border}`}></span>${kind}
      </span>`,
    )}
    <span class="legend-item"><span class="line" style=${`border-top-color:${EDGE_COLOR}`}></span>emit</span>
    <span class="legend-item"><span class="line dashed" style=${`border-top-color:${EDGE_COLOR}`}></span>conditional</span>
    <span class="legend-item"><span class="line" style=${`border-top-color:${VIRTUAL_COLOR}`}></span>virtual</span>
  </div>`;
}

export function FlowsView({ flow }) {
  const state = useStore(app);
  const diag = useStore(diagnostics);
  const [filter, setFilter] = useState("");
  const [selected, setSelected] = useState(null);
  const debounced = useDebounced(filter, 200);
  const graph = state.graph;

  const flows = useMemo(() => (graph ? flowNames(graph) : []), [graph]);
  const current = flow && flows.includes(flow) ? flow : "all";
  const steps = useMemo(() => graphSteps(graph), [graph]);
  const kinds = useMemo(() => new Set(steps.map((s) => s.kind || "noop")), [steps]);
  const elements = useMemo(
    () => (graph ? buildElements(graph, current, debounced) : { nodes: [], edges: [] }),
    [graph, current, debounced],
  );
  const list = useMemo(() => diagnosticList(diag, graph), [diag, graph]);
  const byStep = useMemo(() => diagnosticsByStep(list, steps), [list, steps]);
  const decorations = useMemo(() => {
    const map = new Map();
    for (const [id, ds] of byStep) {
      map.set(id, {
        problems: ds.length,
        severity: ds.some((d) => d.severity === "error") ? "error" : "warning",
      });
    }
    return map;
  }, [byStep]);

  if (!state.loaded) return html`<${Loading} />`;
  if (!graph) {
    return state.failed
      ? html`<${Empty} testid="no-graph">Could not load the app; no build information to show.<//>`
      : html`<${NoGraph} />`;
  }

  const step = selected ? steps.find((s) => String(s.id) === selected) : null;
  return html`<section class="view view-flows">
    <div class="toolbar">
      <h1>Flows</h1>
      <label class="field">
        <span>Flow</span>
        <select
          data-testid="flow-select"
          value=${current}
          onChange=${(e) => navigate("flows", e.currentTarget.value === "all" ? null : e.currentTarget.value)}
        >
          <option value="all">all</option>
          ${flows.map((f) => html`<option key=${f} value=${f}>${f}</option>`)}
        </select>
      </label>
      <input
        type="search"
        class="grow"
        placeholder="Filter by step name, topic or path"
        data-testid="flow-filter"
        value=${filter}
        onInput=${(e) => setFilter(e.currentTarget.value)}
      />
      <span class="muted small">${elements.nodes.length} of ${steps.length} steps</span>
    </div>
    <div class="flow-body">
      <${FlowGraph}
        elements=${elements}
        decorations=${decorations}
        selected=${step ? selected : null}
        onSelect=${setSelected}
      />
      <${Legend} kinds=${kinds} />
      ${step
        ? html`<${StepDetail}
            step=${step}
            diagnostics=${byStep.get(String(step.id)) || []}
            onClose=${() => setSelected(null)}
          />`
        : null}
    </div>
  </section>`;
}
