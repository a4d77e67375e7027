"""The Workbench: a web page at `/__motia/` showing a running app (its flows, endpoints, traces, logs,
state, streams, dead letters and the compiler's diagnostics), served by `motia dev` and by
`motia start --workbench`. `api` serves the page and its JSON API; `recorder` keeps the recent traces and
log lines. See docs/workbench.md."""


def loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (the Workbench needs a token elsewhere)."""
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")
