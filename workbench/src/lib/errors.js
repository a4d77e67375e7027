// Failures shown in the error banner. Each has a key (the request it came from): a later success of the
// same request takes its error away again.
import { createStore } from "./store.js";

export const errors = createStore({ list: [] });

export function reportError(key, text) {
  errors.set(({ list }) => ({
    list: [...list.filter((e) => e.key !== key), { key, text, time: Date.now() }].slice(-5),
  }));
}

export function clearError(key) {
  if (errors.get().list.some((e) => e.key === key)) {
    errors.set(({ list }) => ({ list: list.filter((e) => e.key !== key) }));
  }
}

export function dismissAll() {
  errors.set({ list: [] });
}
