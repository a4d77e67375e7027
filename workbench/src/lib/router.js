// Hash routing: #/<view>[/<argument>], e.g. #/flows/orders or #/traces/K3XPA-4312345.
import { useEffect, useState } from "preact/hooks";

export const VIEWS = [
  "flows",
  "endpoints",
  "traces",
  "logs",
  "state",
  "streams",
  "dead-letters",
  "diagnostics",
];

export function parseHash(hash) {
  const path = (hash || "").replace(/^#\/?/, "");
  const slash = path.indexOf("/");
  const view = slash < 0 ? path : path.slice(0, slash);
  let arg = slash < 0 ? null : path.slice(slash + 1);
  if (arg !== null) {
    try {
      arg = decodeURIComponent(arg);
    } catch {
      /* keep it as written */
    }
    if (arg === "") arg = null;
  }
  if (!VIEWS.includes(view)) return { view: "flows", arg: null, known: false };
  return { view, arg, known: true };
}

export function href(view, arg) {
  return arg == null || arg === "" ? `#/${view}` : `#/${view}/${encodeURIComponent(arg)}`;
}

export function navigate(view, arg, replace = false) {
  const target = href(view, arg);
  if (location.hash === target) return;
  if (replace) {
    history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = target;
  }
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => {
      const next = parseHash(location.hash);
      if (!next.known) {
        history.replaceState(null, "", "#/flows");
      }
      setRoute((prev) => (prev.view === next.view && prev.arg === next.arg ? prev : next));
    };
    window.addEventListener("hashchange", update);
    update();
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
