"""`Motia`: the application object for registering steps and streams in code instead of by discovery.

    motia = Motia()
    motia.add_step(step(config, handler), "steps/orders.py")
    motia.add_stream(StreamConfig(name="orders"), "steps/orders_stream.py")
    await motia.initialize()

Registration checks everything it can up front (a step that cannot run, two steps or streams with one
name), because afterwards the names are the keys that topics, routes and clients use. Serving HTTP and
running queues come with the runtime; `initialize` only marks the registry complete for now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from motia import _convert
from motia.config import StepConfig, as_step_config
from motia.step import StepDefinition, StepHandler
from motia.streams.handle import Stream, StreamConfig, as_stream

AuthenticateHandler = Callable[..., Any]
"""Called with a stream subscription request; returns the auth context, or refuses it."""


class Motia:
    """Holds the registered steps and streams (by name) and the stream authentication handler."""

    def __init__(self) -> None:
        self._steps: dict[str, StepDefinition] = {}
        self._step_paths: dict[str, str] = {}
        self._streams: dict[str, Stream[Any]] = {}
        self._stream_paths: dict[str, str] = {}
        self._authenticate: AuthenticateHandler | None = None
        self._initialized = False

    def add_step(
        self,
        config: StepDefinition | StepConfig | Mapping[str, Any],
        step_path: str,
        handler: StepHandler | None = None,
        file_path: str | None = None,
    ) -> StepDefinition:
        """Register a step from a `step(...)` definition, a `StepConfig` or a dict config.

        `handler`, when given, replaces a definition's own. `step_path` identifies the step's source
        (`file_path` defaults to it); both appear in the errors for duplicate names.
        """
        _convert.text(step_path, "step_path")
        source = _convert.optional_text(file_path, "file_path") or step_path
        definition = self._definition(config, handler, source)
        name = definition.config.name
        if name in self._steps:
            raise ValueError(f"duplicate step name {name!r}: in {source} and in {self._step_paths[name]}")
        self._steps[name] = definition
        self._step_paths[name] = source
        return definition

    def _definition(self, config: object, handler: StepHandler | None, source: str) -> StepDefinition:
        if isinstance(config, StepDefinition):
            step_config, handler = config.config, handler or config.handler
        else:
            step_config = as_step_config(config)
        if handler is None and step_config.triggers:
            raise ValueError(
                f"step {step_config.name!r} ({source}) has triggers but no handler; pass handler=... "
                f"or register step(config, handler)"
            )
        return StepDefinition(step_config, handler)

    def add_stream(
        self, config: StreamConfig | Stream[Any] | Mapping[str, Any], file_path: str
    ) -> Stream[Any]:
        """Register a stream and return its handle. Stream names must be unique: clients subscribe by name."""
        _convert.text(file_path, "file_path")
        stream = as_stream(config)
        earlier = self._stream_paths.get(stream.name)
        if earlier is not None:
            raise ValueError(f"duplicate stream name {stream.name!r}: in {file_path} and in {earlier}")
        self._streams[stream.name] = stream
        self._stream_paths[stream.name] = file_path
        return stream

    def set_authenticate(self, handler: AuthenticateHandler) -> None:
        """Set the handler that authenticates stream subscriptions (one per app; a later call replaces it)."""
        self._authenticate = _convert.function(handler, "authenticate handler")

    @property
    def authenticate(self) -> AuthenticateHandler | None:
        return self._authenticate

    @property
    def steps(self) -> tuple[StepDefinition, ...]:
        """The registered steps, in registration order."""
        return tuple(self._steps.values())

    @property
    def streams(self) -> dict[str, Stream[Any]]:
        """The registered streams by name (a copy: register through `add_stream`)."""
        return dict(self._streams)

    @property
    def initialized(self) -> bool:
        return self._initialized

    async def initialize(self) -> None:
        """Mark the registry complete. Async because starting the servers, which the runtime adds, is."""
        self._initialized = True
