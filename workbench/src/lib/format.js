// Small formatting helpers shared by the views.

const pad = (n, width = 2) => String(n).padStart(width, "0");

export function fmtTime(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtDateTime(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${fmtTime(ms)}`;
}

export function fmtDuration(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function pretty(value) {
  if (value === undefined) return "";
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// A trigger in words: "POST /orders", "queue order.placed", "cron 0 * * * *", ...
export function describeTrigger(t) {
  if (!t || typeof t !== "object") return String(t);
  switch (t.kind) {
    case "http":
      return `${(t.method || "GET").toUpperCase()} ${t.path || "/"}`;
    case "queue":
      return `queue ${t.topic ?? "?"}`;
    case "cron":
      return `cron ${t.expression ?? "?"}`;
    case "state":
      return "state change";
    case "stream":
      return t.stream ? `stream ${t.stream}` : "stream change";
    default:
      return t.kind || "trigger";
  }
}

// A trigger without its kind (shown next to it): "POST /orders", "order.placed", "0 * * * *", ...
export function triggerDetail(t) {
  if (!t || typeof t !== "object") return String(t);
  switch (t.kind) {
    case "http":
      return describeTrigger(t);
    case "queue":
      return t.topic ?? "?";
    case "cron":
      return t.expression ?? "?";
    case "state":
      return "any state change";
    case "stream":
      return t.stream ?? "any stream";
    default:
      return "";
  }
}

export function triggers(step) {
  return Array.isArray(step && step.triggers) ? step.triggers.filter((t) => t && typeof t === "object") : [];
}

// The line shown under a step's name in the graph.
export function stepSubtitle(step) {
  const ts = triggers(step);
  if (step.kind === "api") {
    const http = ts.filter((t) => t.kind === "http");
    if (http.length) return http.map(describeTrigger).join("\n");
  }
  if (step.kind === "cron") {
    const cron = ts.find((t) => t.kind === "cron");
    if (cron && cron.expression) return cron.expression;
  }
  if (step.kind === "stream") {
    const stream = ts.find((t) => t.kind === "stream");
    if (stream && stream.stream) return `stream ${stream.stream}`;
  }
  return "";
}

// Emits and virtual emits/subscribes are objects with a topic, or plain topic strings.
export function topicOf(item) {
  if (item == null) return null;
  if (typeof item === "string") return item;
  return item.topic ?? item.name ?? null;
}

const LEVELS = { trace: 0, debug: 0, info: 1, warn: 2, warning: 2, error: 3, fatal: 3, critical: 3 };
export function levelRank(level) {
  const rank = LEVELS[String(level || "").toLowerCase()];
  return rank === undefined ? 1 : rank;
}
