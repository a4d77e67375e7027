// Streams: each stream with its groups; the selected group's items, kept current from the event stream.
import { useEffect, useState } from "preact/hooks";
import { html } from "../lib/html.js";
import { api, enc } from "../lib/api.js";
import { on } from "../lib/events.js";
import { Empty, Json, Loading } from "../components.js";

export function StreamsView() {
  const [streams, setStreams] = useState(null);
  const [selected, setSelected] = useState(null); // {stream, group}
  const [items, setItems] = useState(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api("streams")
      .then((body) =>
        setStreams(
          (Array.isArray(body && body.streams) ? body.streams : [])
            .filter((s) => s && s.name != null)
            .map((s) => ({ name: String(s.name), groups: Array.isArray(s.groups) ? s.groups.map(String) : [] })),
        ),
      )
      .catch(() => setStreams((s) => s || []));
  }, [tick]);

  useEffect(() => {
    if (!selected) return undefined;
    let alive = true;
    let buffered = [];
    let loaded = false;
    const apply = (list, ev) => {
      const id = ev.id;
      const same = (it) => String(it.id) === String(id);
      if (ev.event === "delete") return list.filter((it) => !same(it));
      const i = list.findIndex(same);
      if (i < 0) return [...list, { id, data: ev.data }];
      const next = list.slice();
      next[i] = { ...next[i], data: ev.data };
      return next;
    };
    const off = on("stream", (ev) => {
      if (!ev || String(ev.stream) !== selected.stream || String(ev.group) !== selected.group) return;
      if (!loaded) buffered.push(ev);
      else setItems((list) => apply(list || [], ev));
    });
    const load = () => {
      loaded = false;
      api(`streams/${enc(selected.stream)}/${enc(selected.group)}`)
        .then((body) => {
          if (!alive) return;
          let list = Array.isArray(body && body.items) ? body.items.filter(Boolean) : [];
          for (const ev of buffered) list = apply(list, ev);
          buffered = [];
          loaded = true;
          setItems(list);
        })
        .catch(() => {
          if (!alive) return;
          loaded = true;
          setItems((list) => list || []);
        });
    };
    load();
    // Changes may have been missed while the event stream was down.
    const offReconnect = on("reconnect", load);
    return () => {
      alive = false;
      off();
      offReconnect();
    };
  }, [selected && selected.stream, selected && selected.group, tick]);

  // Groups that appear while the page is open are added to their stream.
  useEffect(
    () =>
      on("stream", (ev) => {
        if (!ev || ev.stream == null || ev.group == null || ev.event === "delete") return;
        setStreams((list) => {
          if (!list) return list;
          const name = String(ev.stream);
          const group = String(ev.group);
          const s = list.find((x) => x.name === name);
          if (s && s.groups.includes(group)) return list;
          if (!s) return [...list, { name, groups: [group] }];
          return list.map((x) => (x.name === name ? { ...x, groups: [...x.groups, group] } : x));
        });
      }),
    [],
  );

  const select = (stream, group) => {
    if (!selected || selected.stream !== stream || selected.group !== group) setItems(null);
    setSelected({ stream, group });
  };

  return html`<section class="view view-split">
    <div class="list-pane">
      <div class="toolbar">
        <h1>Streams</h1>
        <button data-testid="streams-refresh" onClick=${() => setTick((t) => t + 1)}>Refresh</button>
      </div>
      ${streams == null
        ? html`<${Loading} />`
        : streams.length
          ? html`<ul class="list">
              ${streams.map(
                (s) => html`<li key=${s.name} class="stream" data-testid="stream" data-stream=${s.name}>
                  <div class="stream-name mono">${s.name}</div>
                  ${s.groups.length
                    ? html`<ul class="list nested">
                        ${s.groups.map(
                          (g) => html`<li key=${g}>
                            <button
                              class=${`list-item ${selected && selected.stream === s.name && selected.group === g ? "selected" : ""}`}
                              data-testid="stream-group"
                              data-stream=${s.name}
                              data-group=${g}
                              onClick=${() => select(s.name, g)}
                            >
                              <span class="mono">${g}</span>
                            </button>
                          </li>`,
                        )}
                      </ul>`
                    : html`<div class="muted small indent">no groups</div>`}
                </li>`,
              )}
            </ul>`
          : html`<${Empty} testid="no-streams">No streams.<//>`}
    </div>
    <div class="detail-pane">
      ${!selected
        ? html`<${Empty}>Select a group to see its items (live).<//>`
        : html`<div class="toolbar">
              <h2 class="mono">${selected.stream} / ${selected.group}</h2>
              ${items ? html`<span class="muted small">${items.length} items · live</span>` : null}
            </div>
            ${items == null
              ? html`<${Loading} />`
              : items.length
                ? html`<div class="items">
                    ${items.map(
                      (it, i) => html`<div class="item" key=${it.id ?? i} data-testid="stream-item" data-id=${it.id}>
                        <div class="item-key mono">${it.id}</div>
                        <${Json} value=${it.data} />
                      </div>`,
                    )}
                  </div>`
                : html`<${Empty}>The group is empty.<//>`}`}
    </div>
  </section>`;
}
