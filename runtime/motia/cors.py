"""CORS: which origins may call the app, the headers that say so, and preflight answers."""

from __future__ import annotations

from starlette.types import Scope

from motia.wire import Reply, error_reply

__all__ = ["Cors"]

PREFLIGHT_METHODS = b"GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS"


class Cors:
    """Which origins may call the app: every one (`allow_all`), a list, or none (`enabled` False)."""

    __slots__ = ("allow_all", "enabled", "origins")

    def __init__(self, setting: object) -> None:
        if (
            setting is None
            or setting == "*"
            or setting is True
            or (isinstance(setting, list | tuple) and not setting)
        ):
            origins: frozenset[str] = frozenset({"*"})
        elif setting is False:
            origins = frozenset()
        elif isinstance(setting, list | tuple) and all(isinstance(item, str) for item in setting):
            origins = frozenset(setting)
        else:
            raise ValueError(f"cors_origins must be '*', a list of origins or false, not {setting!r}")
        self.enabled = bool(origins)
        self.allow_all = "*" in origins
        self.origins = origins

    def allowed(self, scope: Scope) -> bytes | None:
        """The `Access-Control-Allow-Origin` value for this request, or None."""
        if self.allow_all:
            return b"*"
        if self.enabled:
            for name, value in scope["headers"]:
                if name == b"origin":
                    return value if value.decode("latin-1") in self.origins else None
        return None

    def preflight(self, scope: Scope) -> Reply:
        origin = self.allowed(scope)
        if origin is None:
            return error_reply(403, "CORS origin not allowed")
        requested = next((v for n, v in scope["headers"] if n == b"access-control-request-headers"), b"*")
        headers = [
            (b"access-control-allow-methods", PREFLIGHT_METHODS),
            (b"access-control-allow-headers", requested),
            (b"access-control-max-age", b"600"),
        ]
        return 204, headers, b""
