// State: the groups of the state store and the items of the selected one.
import { useEffect, useState } from "preact/hooks";
import { html } from "../lib/html.js";
import { api, enc } from "../lib/api.js";
import { Empty, Json, Loading } from "../components.js";

export function StateView() {
  const [groups, setGroups] = useState(null);
  const [selected, setSelected] = useState(null);
  const [items, setItems] = useState(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api("state")
      .then((body) => setGroups(Array.isArray(body && body.groups) ? body.groups.map(String) : []))
      .catch(() => setGroups((g) => g || []));
  }, [tick]);

  useEffect(() => {
    if (selected == null) return undefined;
    let alive = true;
    api(`state/${enc(selected)}`)
      .then((body) => alive && setItems(Array.isArray(body && body.items) ? body.items.filter(Boolean) : []))
      .catch(() => alive && setItems((i) => i || []));
    return () => {
      alive = false;
    };
  }, [selected, tick]);

  const select = (group) => {
    if (group !== selected) setItems(null);
    setSelected(group);
  };

  return html`<section class="view view-split">
    <div class="list-pane">
      <div class="toolbar">
        <h1>State</h1>
        <button data-testid="state-refresh" onClick=${() => setTick((t) => t + 1)} title="Reload">Refresh</button>
      </div>
      ${groups == null
        ? html`<${Loading} />`
        : groups.length
          ? html`<ul class="list">
              ${groups.map(
                (g) => html`<li key=${g}>
                  <button
                    class=${`list-item ${g === selected ? "selected" : ""}`}
                    data-testid="state-group"
                    data-group=${g}
                    onClick=${() => select(g)}
                  >
                    <span class="mono">${g}</span>
                  </button>
                </li>`,
              )}
            </ul>`
          : html`<${Empty} testid="no-state">No state yet.<//>`}
    </div>
    <div class="detail-pane">
      ${selected == null
        ? html`<${Empty}>Select a group to see its items.<//>`
        : html`<div class="toolbar"><h2 class="mono">${selected}</h2>${items ? html`<span class="muted small">${items.length} items</span>` : null}</div>
            ${items == null
              ? html`<${Loading} />`
              : items.length
                ? html`<div class="items">
                    ${items.map(
                      (it, i) => html`<div class="item" key=${it.key ?? i} data-testid="state-item" data-key=${it.key}>
                        <div class="item-key mono">${it.key}</div>
                        <${Json} value=${it.value} />
                      </div>`,
                    )}
                  </div>`
                : html`<${Empty}>The group is empty.<//>`}`}
    </div>
  </section>`;
}
