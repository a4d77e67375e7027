"""Streams over WebSocket: live stream items for Motia's stream clients, on the app's own port at `/`.

`HttpApp` routes every `websocket` scope for the root path here (`ws://host:port`, where Motia's clients
connect); HTTP requests never reach this module. The protocol is Motia's:

* client → server, one JSON text message each, handled strictly in order per socket:
  `{"type": "join" | "leave", "data": {"streamName", "groupId", "id"?, "subscriptionId"}}`: a join with an
  `id` subscribes to one item, without one to the whole group;
* server → client: `{"timestamp", "streamName", "groupId", "id"?, "event": E}` with `E`
  `{"type": "sync", "data": item | items}` (the item, or the group's items, answering a join),
  `{"type": "create" | "update" | "delete", "data": item}` (every later change, from `Streams.listeners`)
  or `{"type": "event", "event": {"type", "data"}}` (an ephemeral `send`). `timestamp` is milliseconds
  since the epoch.

A change of an item reaches the sockets subscribed to that item and those subscribed to its group, once
per socket even when it holds both; a `send` to a group (no `id`) reaches the group's subscribers only.
Every socket has one outgoing queue, written by one task, so its messages leave in the order they were
made: a join's `sync` first (its place is taken when the subscription starts, before the items are read,
so no change is lost between the read and the subscription), then each change as it happened. A socket
that falls more than `MAX_BACKLOG` messages behind is closed with 1013 rather than buffering without end.

Authentication: when the app spec has an `authenticate` hook (`AppSpec.authenticate`: the function
`Motia.set_authenticate` takes), it runs before the handshake is answered with a `StreamAuthInput`
(`headers`, `path`, `query_params`, `addr`, and `url` for classic hooks) and, when it takes two
parameters, a context. It returns `True`, a `StreamAuthResult(authorized, context)` (Motia 1.x's), a dict
`{"authorized": ..., "context": ...}` meaning the same (as in Motia's docs), or any other value, which is
the auth context itself. `False` or `None`, a result whose `authorized` is not `True`, or an exception
refuses the connection: the handshake is accepted and the socket closed at once
with code 4401 and reason "Authentication failed", before any data. (A close code rather than an HTTP 401
on the handshake, because a browser's WebSocket shows scripts the close code but never the handshake's
status.)

Access checks, on every join: the stream's `can_access(subscription, auth_context)` (classic `canAccess`)
must return something true; a 1.x `on_join(subscription, ctx, auth_context)` must not return a false value
other than `None` (`None`: a hook that only watches joins). Either may be sync or async; an exception
denies. A denied join is answered with Motia's error event and nothing else:
`{"type": "event", "event": {"type": "error", "data": {"code": "STREAM_ACCESS_DENIED", "message":
"Access denied"}}}`. An unknown stream is `STREAM_NOT_FOUND`, a message that is not a join or leave of the
shape above `INVALID_MESSAGE`, a failed read of the items `STREAM_ERROR`, all in the same envelope. `on_leave
(subscription, ctx, auth_context)` runs when a subscription ends, by `leave` or by disconnecting. The
subscription the hooks get is a `StreamSubscription` (`stream_name`, `group_id`, `id`, `subscription_id`;
also readable as `sub["groupId"]`, as classic hooks do).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from motia.context import FlowContext
from motia.delivery.engine import new_trace_id
from motia.logging import extra
from motia.logging import logger as root_logger
from motia.runtime import Runtime, resolve
from motia.spec import Function, StreamSpec
from motia.streams.protocol import (
    ACCESS_DENIED,
    InvalidMessage,
    Room,
    StreamAuthInput,
    StreamSubscription,
    auth_outcome,
    envelope,
    error_frame,
    parse_message,
)
from motia.streams.protocol import where as named_in
from motia.streams.store import StreamEvent
from motia.web.wire import header_dict, multi_dict

__all__ = [
    "AUTH_FAILED",
    "MAX_BACKLOG",
    "MAX_QUEUED_BYTES",
    "MAX_SUBSCRIPTIONS",
    "StreamHub",
    "StreamSocketRoute",
]

log = logging.getLogger("motia.streams.handle")

AUTH_FAILED = 4401
"""The close code of a connection `authenticate` refused (4000-4999: for applications; 401 inside)."""
BACKLOG_CLOSE = 1013  # "try again later"
MAX_BACKLOG = 10_000
"""Messages a socket may have waiting to be sent before it is closed as too slow."""
MAX_QUEUED_BYTES = 16 * 1024 * 1024
"""Bytes a socket may have waiting to be sent before it is closed as too slow (1013)."""
READ_PAUSE_BYTES = 1024 * 1024
"""Past this many bytes waiting, the socket's next message is read only once the client has taken some:
joins are handled no faster than the client drains their answers."""
MAX_SUBSCRIPTIONS = 1_000
"""Subscriptions one socket may hold; one more closes it with `TOO_MANY_CLOSE`."""
TOO_MANY_CLOSE = 1008  # policy violation
CLOSE_GRACE = 5.0  # seconds a refused socket's writer gets to send its close frame


def _positional(function: Function) -> int | None:
    """How many positional arguments `function` takes (None: any number, or unknown)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    count = 0
    for parameter in parameters:
        if parameter.kind is parameter.VAR_POSITIONAL:
            return None
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            count += 1
    return count


class StreamHub:
    """The subscriptions of every connected socket of one runtime, fed by its stream listener (registered
    while at least one subscription exists, so writes pay nothing for live delivery without clients)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.specs: dict[str, StreamSpec] = {spec.name: spec for spec in runtime.spec.streams}
        self.authenticate = runtime.spec.authenticate
        self._rooms: dict[Room, dict[StreamClient, None]] = {}
        self._listening = False
        # Other instances' changes (a shared backend's bus), heard while this one has subscriptions.
        self._remote: Callable[[], Awaitable[None]] | None = None
        self._stopping: set[asyncio.Future[None]] = set()

    # -- subscriptions
    def subscribe(self, client: StreamClient, room: Room) -> None:
        self._rooms.setdefault(room, {})[client] = None
        if not self._listening:
            self.runtime.streams.listeners.append(self._deliver)
            bus = self.runtime.streams.bus
            self._remote = bus.listen(self._deliver) if bus is not None else None
            self._listening = True

    def unsubscribe(self, client: StreamClient, room: Room) -> None:
        clients = self._rooms.get(room)
        if clients is not None:
            clients.pop(client, None)
            if not clients:
                del self._rooms[room]
        if not self._rooms and self._listening:
            with contextlib.suppress(ValueError):
                self.runtime.streams.listeners.remove(self._deliver)
            self._stop_remote()
            self._listening = False

    def _stop_remote(self) -> None:
        if self._remote is not None:
            stopping = asyncio.ensure_future(self._remote())
            self._stopping.add(stopping)
            stopping.add_done_callback(self._stopping.discard)
            self._remote = None

    async def close(self) -> None:
        """Stop hearing other instances (the app is shutting down)."""
        self._stop_remote()
        for stopping in tuple(self._stopping):
            await stopping

    @property
    def rooms(self) -> int:
        return len(self._rooms)

    async def _deliver(self, event: StreamEvent) -> None:
        """The stream listener: one message per change, queued for every subscribed socket once."""
        rooms = self._rooms
        group = rooms.get((event.stream, event.group_id, None))
        item = rooms.get((event.stream, event.group_id, event.item_id)) if event.item_id is not None else None
        if not group and not item:
            return
        if event.type == "event":
            body: dict[str, Any] = {"type": "event", "event": event.data}
        else:
            body = {"type": event.type, "data": event.data}
        text = envelope(event.stream, event.group_id, event.item_id, body)
        targets = {**group, **item} if group and item else (group or item or {})
        for client in tuple(targets):
            client.push(text)

    # -- hooks
    def context(self, stream: str) -> FlowContext[Any, Any]:
        """The `ctx` the stream hooks get: state, streams and a logger; no topics to emit to."""
        runtime = self.runtime

        async def refuse(message: Mapping[str, Any]) -> None:
            raise RuntimeError(f"stream {stream!r} hooks cannot emit events")

        return FlowContext(
            trace_id=new_trace_id(),
            enqueuer=refuse,
            state=runtime.state,
            streams=runtime.streams,
            logger=root_logger.bind(stream=stream),
        )

    async def admit(self, scope: Scope) -> tuple[bool, Any]:
        """Run `authenticate` for a connection: (authorized, auth context)."""
        hook = self.authenticate
        if hook is None:
            return True, None
        query = QueryParams(scope.get("query_string", b""))
        path: str = scope.get("path", "/") or "/"
        raw_query = scope.get("query_string", b"").decode("latin-1")
        client = scope.get("client")
        request = StreamAuthInput(
            headers=header_dict(scope),
            path=path,
            query_params=multi_dict(query),
            addr=f"{client[0]}:{client[1]}" if client else None,
            url=f"{path}?{raw_query}" if raw_query else path,
        )
        try:
            if _positional(hook) == 1:
                result = await resolve(hook(request))
            else:
                ctx = self.context("authenticate")
                result = await settled(ctx, hook(request, ctx))
            return auth_outcome(result)
        except Exception as error:
            log.warning("stream authentication failed: %s", error, exc_info=error, extra=extra())
            return False, None

    async def may_join(self, spec: StreamSpec, subscription: StreamSubscription, auth: Any) -> bool:
        try:
            if spec.can_access is not None and not await resolve(spec.can_access(subscription, auth)):
                return False
            if spec.on_join is not None:
                ctx = self.context(spec.name)
                result = await settled(ctx, spec.on_join(subscription, ctx, auth))
                if result is not None and not (
                    result.authorized
                    if not isinstance(result, Mapping) and hasattr(result, "authorized")
                    else result
                ):
                    return False
        except Exception as error:
            log.error(
                "stream %r access check failed", spec.name, exc_info=error, extra=extra(stream=spec.name)
            )
            return False
        return True

    async def left(self, spec: StreamSpec, subscription: StreamSubscription, auth: Any) -> None:
        if spec.on_leave is None:
            return
        try:
            ctx = self.context(spec.name)
            await settled(ctx, spec.on_leave(subscription, ctx, auth))
        except Exception as error:
            log.error("stream %r on_leave failed", spec.name, exc_info=error, extra=extra(stream=spec.name))


async def settled(ctx: FlowContext[Any, Any], result: Any) -> Any:
    """A hook's result, awaited when awaitable, once what it started on `ctx` has finished."""
    try:
        return await resolve(result)
    finally:
        await ctx.settle()


@dataclass(eq=False, slots=True)
class StreamClient:
    """One connected socket: its outgoing queue and its subscriptions (room → subscription id → the
    subscription, so two client subscriptions of one room share its deliveries)."""

    hub: StreamHub
    auth: Any
    outbox: asyncio.Queue[str | asyncio.Future[str]] = field(default_factory=asyncio.Queue)
    subscriptions: dict[Room, dict[str | None, StreamSubscription]] = field(default_factory=dict)
    overflowed: bool = False
    close_code: int = BACKLOG_CLOSE
    close_reason: str = "too far behind"
    queued: int = 0  # bytes waiting in the outbox
    drained: asyncio.Event = field(default_factory=asyncio.Event)  # set while `queued` is below the pause

    def push(self, message: str | asyncio.Future[str]) -> None:
        if self.overflowed:
            return
        if self.outbox.qsize() >= MAX_BACKLOG:
            self.refuse(BACKLOG_CLOSE, "too far behind")
            return
        if isinstance(message, str):
            self.count(len(message))
        self.outbox.put_nowait(message)

    def fill(self, slot: asyncio.Future[str], message: str) -> None:
        """Give a reserved place its message (a join's sync, whose size is known only now)."""
        self.count(len(message))
        slot.set_result(message)

    def count(self, size: int) -> None:
        self.queued += size
        if self.queued > MAX_QUEUED_BYTES:
            self.refuse(BACKLOG_CLOSE, "too far behind")
        elif self.queued > READ_PAUSE_BYTES:
            self.drained.clear()
        else:
            self.drained.set()

    def refuse(self, code: int, reason: str) -> None:
        """Close the socket once the writer gets here, sending nothing more."""
        if not self.overflowed:
            self.overflowed, self.close_code, self.close_reason = True, code, reason
            self.outbox.put_nowait("")  # wakes the writer, which closes the socket

    async def handle(self, raw: str | bytes | None) -> None:
        """One client message, answered in the outbox."""
        try:
            kind, subscription = parse_message(raw)
        except InvalidMessage as problem:
            stream, group, item = named_in(raw)
            self.push(error_frame(stream, group, item, {"code": "INVALID_MESSAGE", "message": str(problem)}))
            return
        spec = self.hub.specs.get(subscription.stream_name)
        where = (subscription.stream_name, subscription.group_id, subscription.id)
        if spec is None:
            known = ", ".join(sorted(self.hub.specs)) or "none"
            message = f"there is no stream named {subscription.stream_name!r} (streams: {known})"
            self.push(error_frame(*where, {"code": "STREAM_NOT_FOUND", "message": message}))
            return
        if kind == "join":
            await self.join(spec, subscription, where)
        else:
            await self.leave(spec, subscription, where)

    async def join(self, spec: StreamSpec, subscription: StreamSubscription, room: Room) -> None:
        if sum(len(held) for held in self.subscriptions.values()) >= MAX_SUBSCRIPTIONS:
            self.refuse(TOO_MANY_CLOSE, f"too many subscriptions (at most {MAX_SUBSCRIPTIONS})")
            return
        if not await self.hub.may_join(spec, subscription, self.auth):
            self.push(error_frame(*room, ACCESS_DENIED))
            return
        slot: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.push(slot)  # the sync's place, ahead of every change from now on
        self.subscriptions.setdefault(room, {})[subscription.subscription_id] = subscription
        self.hub.subscribe(self, room)
        items = self.hub.runtime.streams[spec.name]
        try:
            if subscription.id is None:
                data: Any = await items.get_group(subscription.group_id)
            else:
                data = await items.get(subscription.group_id, subscription.id)
        except Exception as error:
            log.error("stream %r sync failed", spec.name, exc_info=error, extra=extra(stream=spec.name))
            failed = {"code": "STREAM_ERROR", "message": "could not read the stream"}
            self.fill(slot, error_frame(*room, failed))
            return
        self.fill(slot, envelope(*room, {"type": "sync", "data": data}))

    async def leave(self, spec: StreamSpec, subscription: StreamSubscription, room: Room) -> None:
        held = self.subscriptions.get(room)
        if held is None:
            return
        if subscription.subscription_id is not None and subscription.subscription_id in held:
            ended = [held.pop(subscription.subscription_id)]
        else:
            ended = list(held.values())
            held.clear()
        if not held:
            del self.subscriptions[room]
            self.hub.unsubscribe(self, room)
        for one in ended:
            await self.hub.left(spec, one, self.auth)

    async def close(self) -> None:
        """The socket is gone: end every subscription (on_leave for each)."""
        subscriptions, self.subscriptions = self.subscriptions, {}
        for room, held in subscriptions.items():
            self.hub.unsubscribe(self, room)
            spec = self.hub.specs[room[0]]
            for one in held.values():
                await self.hub.left(spec, one, self.auth)


class StreamSocketRoute(BaseRoute):
    """The Starlette route for `websocket` scopes at `/`: one `StreamClient` per connection."""

    def __init__(self, hub: StreamHub) -> None:
        self.hub = hub

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "websocket" and scope["path"] in ("/", ""):
            return Match.FULL, {}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        authorized, auth = await self.hub.admit(scope)
        protocols = scope.get("subprotocols") or ()
        accept: dict[str, Any] = {"type": "websocket.accept"}
        if protocols:  # a browser fails the handshake unless one it offered is chosen; `ws` takes the first
            accept["subprotocol"] = protocols[0]
        await send(accept)
        if not authorized:
            await send({"type": "websocket.close", "code": AUTH_FAILED, "reason": "Authentication failed"})
            return
        client = StreamClient(self.hub, auth)
        writer = asyncio.create_task(_write(client, send))
        try:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive":
                    break  # websocket.disconnect
                text = message.get("text")
                await client.handle(text if text is not None else message.get("bytes"))
                if not client.drained.is_set():  # read on only once the client has taken its answers
                    await _first(client.drained.wait(), writer)
                if writer.done() or client.overflowed:
                    break
        finally:
            await client.close()
            if client.overflowed:  # the writer is on its way to send the close frame: give it a moment
                await asyncio.wait((writer,), timeout=CLOSE_GRACE)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer


async def _write(client: StreamClient, send: Send) -> None:
    """Send the client's outbox in order until the socket fails or the client is too far behind."""
    outbox = client.outbox
    while True:
        message = await outbox.get()
        if not isinstance(message, str):
            message = await message
        if client.overflowed:
            closing = {"type": "websocket.close", "code": client.close_code, "reason": client.close_reason}
            with contextlib.suppress(Exception):
                await send(closing)
            return
        await send({"type": "websocket.send", "text": message})
        client.count(-len(message))


async def _first(waiting: Awaitable[object], writer: asyncio.Task[None]) -> None:
    """Wait for `waiting`, or for the writer to end (the socket failed or was refused)."""
    waiter = asyncio.ensure_future(waiting)
    await asyncio.wait((waiter, writer), return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
