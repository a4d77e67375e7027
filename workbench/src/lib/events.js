// The one EventSource on /__motia/api/events, shared by every view. Reconnects after an error, at once
// at first (under `motia dev` the error is usually the server being swapped for a new build) and then
// backing off to 2 s; `on("reconnect", fn)` tells views that events may have been missed in between.
import { API } from "./api.js";
import { createStore } from "./store.js";

const TYPES = ["log", "trace", "diagnostics", "stream"];
const listeners = new Map();
export const connection = createStore({ status: "connecting" });

let source = null;
let timer = null;
let everOpen = false;
let delay = 100; // ms before the next reconnect; doubles up to MAX_DELAY, back to 100 once open
const MAX_DELAY = 2000;

function retry() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    connect();
  }, delay);
  delay = Math.min(delay * 2, MAX_DELAY);
}

function emit(type, data) {
  const set = listeners.get(type);
  if (!set) return;
  for (const fn of [...set]) {
    try {
      fn(data);
    } catch (err) {
      console.error(err);
    }
  }
}

export function connect() {
  if (source || timer) return;
  let es;
  try {
    es = new EventSource(API + "events");
  } catch {
    retry();
    return;
  }
  source = es;
  es.onopen = () => {
    delay = 100;
    connection.set({ status: "open" });
    if (everOpen) emit("reconnect", null);
    everOpen = true;
  };
  es.onerror = () => {
    es.close();
    if (source === es) source = null;
    connection.set({ status: "reconnecting" });
    retry();
  };
  for (const type of TYPES) {
    es.addEventListener(type, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data && typeof data === "object") emit(type, data);
    });
  }
}

export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}
