// The Workbench's JSON API (/__motia/api/...). Every failure is reported to the error banner and
// rethrown, so that a view can show its own empty or "not found" state.
import { clearError, reportError } from "./errors.js";

export const API = "/__motia/api/";

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// `path` is relative to /__motia/api/ and must already be URL-encoded where needed.
// `options.silentStatuses`: statuses the caller handles itself (not shown in the banner).
export async function api(path, options = {}) {
  const { silentStatuses = [], ...init } = options;
  const method = (init.method || "GET").toUpperCase();
  const key = `${method} ${API}${path.split("?")[0]}`;
  let response;
  try {
    response = await fetch(API + path, {
      credentials: "same-origin",
      ...init,
      headers: { Accept: "application/json", ...(init.headers || {}) },
    });
  } catch (err) {
    const error = new ApiError(`${key}: ${err && err.message ? err.message : "network error"}`, 0);
    reportError(key, error.message);
    throw error;
  }
  let body = null;
  let parsed = false;
  const text = await response.text().catch(() => "");
  if (text) {
    try {
      body = JSON.parse(text);
      parsed = true;
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const detail =
      (body && typeof body === "object" && (body.error || body.message || body.detail)) ||
      text.slice(0, 200) ||
      response.statusText;
    const error = new ApiError(`${key}: ${response.status} ${detail || ""}`.trim(), response.status);
    if (silentStatuses.includes(response.status)) clearError(key);
    else reportError(key, error.message);
    throw error;
  }
  if (!parsed) {
    const error = new ApiError(`${key}: the answer is not JSON`, response.status);
    reportError(key, error.message);
    throw error;
  }
  clearError(key);
  return body;
}

export const enc = encodeURIComponent;
