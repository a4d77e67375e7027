// The flow graph: Cytoscape, laid out left to right by dagre. A new Cytoscape instance (and one layout
// run) per set of elements, i.e. per flow selection and filter; diagnostics and the selected node are
// applied to the live instance without a new layout.
import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";
import { useEffect, useRef } from "preact/hooks";
import { html } from "../lib/html.js";

cytoscape.use(dagre);

const LARGE = 150; // nodes from which the viewport-time optimisations kick in
const FONT =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';

export const KIND_STYLES = {
  api: { shape: "round-rectangle", fill: "#dbeafe", border: "#2563eb" },
  event: { shape: "ellipse", fill: "#ede9fe", border: "#7c3aed" },
  cron: { shape: "cut-rectangle", fill: "#ccfbf1", border: "#0d9488" },
  stream: { shape: "round-hexagon", fill: "#fce7f3", border: "#db2777" },
  state: { shape: "rhomboid", fill: "#e0f2fe", border: "#0284c7" },
  triggers: { shape: "round-octagon", fill: "#ecfccb", border: "#65a30d" },
  noop: { shape: "rectangle", fill: "#f3f4f6", border: "#6b7280" },
};
export const EDGE_COLOR = "#4f46e5";
export const VIRTUAL_COLOR = "#9ca3af";

function stylesheet() {
  const style = [
    {
      selector: "node",
      style: {
        shape: "round-rectangle",
        width: 190,
        height: 56,
        "background-color": "#ffffff",
        "border-width": 1.5,
        "border-color": "#94a3b8",
        label: "data(label)",
        "text-wrap": "wrap",
        "text-max-width": 170,
        "text-valign": "center",
        "text-halign": "center",
        "font-family": FONT,
        "font-size": 12,
        "line-height": 1.3,
        color: "#111827",
        "min-zoomed-font-size": 6,
      },
    },
  ];
  for (const [kind, s] of Object.entries(KIND_STYLES)) {
    style.push({
      selector: `node[kind = "${kind}"]`,
      style: { shape: s.shape, "background-color": s.fill, "border-color": s.border },
    });
  }
  style.push(
    { selector: 'node[kind = "noop"]', style: { "border-style": "dashed" } },
    {
      selector: 'node[problems > 0][severity = "warning"]',
      style: { "border-color": "#f59e0b", "border-width": 4, "border-style": "solid" },
    },
    {
      selector: 'node[problems > 0][severity = "error"]',
      style: { "border-color": "#dc2626", "border-width": 4, "border-style": "solid" },
    },
    {
      selector: "node:selected",
      style: { "underlay-color": "#2563eb", "underlay-opacity": 0.18, "underlay-padding": 8 },
    },
    {
      selector: "edge",
      style: {
        width: 1.6,
        "curve-style": "bezier",
        "line-color": EDGE_COLOR,
        "target-arrow-color": EDGE_COLOR,
        "target-arrow-shape": "triangle",
        "arrow-scale": 1.1,
        label: "data(text)",
        "font-family": FONT,
        "font-size": 10,
        color: "#374151",
        "text-margin-y": -9,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 1,
        "min-zoomed-font-size": 8,
      },
    },
    { selector: "edge[?conditional]", style: { "line-style": "dashed", "line-dash-pattern": [6, 4] } },
    {
      selector: "edge[?virtual]",
      style: { "line-color": VIRTUAL_COLOR, "target-arrow-color": VIRTUAL_COLOR, color: "#6b7280" },
    },
    { selector: "edge:selected", style: { width: 3 } },
  );
  return style;
}

function bumpRendered(cy) {
  const wb = (window.__workbench = window.__workbench || { cy: null, rendered: 0, firstRenderMs: null });
  if (wb.cy !== cy) return;
  if (wb.firstRenderMs == null) wb.firstRenderMs = Math.round(performance.now());
  wb.rendered = (wb.rendered || 0) + 1;
}

function applyDecorations(cy, decorations) {
  cy.batch(() => {
    cy.nodes().forEach((node) => {
      const d = decorations.get(node.id());
      const problems = d ? d.problems : 0;
      const severity = d ? d.severity : "";
      if (node.data("problems") !== problems || node.data("severity") !== severity) {
        node.data({ problems, severity });
      }
    });
  });
}

// elements: {nodes: [...], edges: [...]} (Cytoscape element definitions, a new object per selection);
// decorations: Map step id → {problems, severity}.
export function FlowGraph({ elements, decorations, selected, onSelect }) {
  const container = useRef(null);
  const cyRef = useRef(null);
  const latest = useRef({});
  latest.current = { decorations, selected, onSelect };

  useEffect(() => {
    const large = elements.nodes.length > LARGE;
    const cy = cytoscape({
      container: container.current,
      elements: [...elements.nodes, ...elements.edges],
      style: stylesheet(),
      layout: { name: "preset" },
      minZoom: 0.02,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: "single",
      autoungrabify: large,
      textureOnViewport: true,
      hideEdgesOnViewport: large,
      hideLabelsOnViewport: large,
      pixelRatio: large ? 1 : "auto",
    });
    cyRef.current = cy;
    window.__workbench = window.__workbench || { cy: null, rendered: 0, firstRenderMs: null };
    window.__workbench.cy = cy;

    cy.on("tap", "node", (event) => latest.current.onSelect(event.target.id()));
    cy.on("tap", (event) => {
      if (event.target === cy) latest.current.onSelect(null);
    });
    applyDecorations(cy, latest.current.decorations);
    if (latest.current.selected) cy.getElementById(latest.current.selected).select();

    let done = false;
    let fallback = null;
    const finished = () => {
      if (done || cy.destroyed()) return;
      done = true;
      clearTimeout(fallback);
      bumpRendered(cy);
    };
    const layout = cy.layout({
      name: "dagre",
      rankDir: "LR",
      nodeSep: 24,
      edgeSep: 12,
      rankSep: 150,
      // network-simplex ranks best but costs most: a large graph gets a cheaper ranker (about half the
      // time at 1,000 steps).
      ranker: large ? "tight-tree" : "network-simplex",
      fit: true,
      padding: 30,
      animate: false,
    });
    layout.one("layoutstop", () => {
      // A small graph is not blown up beyond its natural size.
      if (cy.zoom() > 1) {
        cy.zoom(1);
        cy.center();
      }
      // Counted once the laid-out graph has been drawn (or shortly after, if nothing is drawn).
      cy.one("render", finished);
      fallback = setTimeout(finished, 500);
    });
    layout.run();

    const observer = typeof ResizeObserver === "function" ? new ResizeObserver(() => cy.resize()) : null;
    if (observer) observer.observe(container.current);
    return () => {
      clearTimeout(fallback);
      if (observer) observer.disconnect();
      cy.destroy();
      if (window.__workbench && window.__workbench.cy === cy) window.__workbench.cy = null;
      cyRef.current = null;
    };
  }, [elements]);

  useEffect(() => {
    if (cyRef.current) applyDecorations(cyRef.current, decorations);
  }, [decorations]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const current = cy.$("node:selected");
    if (selected && current.length === 1 && current.id() === selected) return;
    cy.batch(() => {
      cy.elements(":selected").unselect();
      if (selected) cy.getElementById(selected).select();
    });
  }, [selected]);

  const fit = () => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.fit(undefined, 30);
    if (cy.zoom() > 1) {
      cy.zoom(1);
      cy.center();
    }
  };

  return html`<div class="graph-wrap">
    <div class="graph" ref=${container} data-testid="flow-graph"></div>
    <div class="graph-tools">
      <button data-testid="flow-fit" onClick=${fit} title="Fit the graph to the view">Fit</button>
    </div>
    ${elements.nodes.length === 0
      ? html`<div class="graph-empty" data-testid="flow-empty">No steps to show.</div>`
      : null}
  </div>`;
}
