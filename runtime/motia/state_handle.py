"""`stateManager`: Motia 1.x's module-level handle on the app's state (`from motia import stateManager`).

Its calls are Motia 1.x's, synchronous there: `stateManager.set("users", user_id, {...})` in a sync
handler is done when it returns and gives the stored value; in an async handler a plain call is done before
the handler's result is acknowledged, and `await` works too (see `motia.operations`). It reaches the state
of the handler call it runs in, or outside one the running app's.
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from motia.context import sync_call


class StateManager:
    """Grouped key-value state, as Motia 1.x's `StateManager` (`scope` is the group)."""

    __slots__ = ()

    def get(self, scope: str, key: str) -> Any | None:
        """The value, or None."""
        return self._call("get", lambda state: state.get(scope, key))

    def set(self, scope: str, key: str, value: Any) -> Any:
        """Store `value` (a JSON value); the stored value."""
        return self._call("set", lambda state: state.set(scope, key, value))

    def update(self, scope: str, key: str, ops: Sequence[Mapping[str, Any]]) -> Any:
        """Apply update ops atomically; `{"old_value", "new_value"}`."""
        return self._call("update", lambda state: state.update(scope, key, ops))

    def delete(self, scope: str, key: str) -> Any | None:
        """Remove the value; what it was (None when there was none)."""
        return self._call("delete", lambda state: state.delete(scope, key))

    def list(self, scope: str) -> builtins.list[Any]:
        """Every value of the group, ordered by key."""
        return self._call("list", lambda state: state.get_group(scope))  # type: ignore[no-any-return]

    get_group = list

    def list_groups(self) -> builtins.list[str]:
        """Names of the groups holding at least one value, sorted."""
        return self._call("list_groups", lambda state: state.list_groups())  # type: ignore[no-any-return]

    def clear(self, scope: str) -> Any:
        """Remove every value of the group."""
        return self._call("clear", lambda state: state.clear(scope))

    def _call(self, method: str, work: Callable[[Any], Awaitable[Any]]) -> Any:
        def make(state: Any, _streams: Any) -> Awaitable[Any]:
            return work(state)

        return sync_call(f"stateManager.{method}", make)

    def __repr__(self) -> str:
        return "stateManager"


stateManager = StateManager()
