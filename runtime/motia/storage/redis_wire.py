"""A lean, pipelined connection to a Redis server: what the Redis backend sends its own commands and
scripts on.

Why not redis-py's client for these: every queue operation is one short script, and redis-py spends more
CPU around each command (its pool, retry wrapper, timeouts, response callbacks) than the server spends
running it. Here a command is packed by hiredis, written on one connection that every caller in the
process shares, and answered by a future that the reply parser resolves: concurrent callers pipeline on
that connection instead of each taking a connection of its own. redis-py stays for what needs a
connection to itself (WATCH transactions, pub/sub).

The behaviour on failure is redis-py's as the backend configured it: a command that meets a dropped or
refused connection is sent again on a fresh one, twice at most with a growing pause, and then raises
`redis.exceptions.ConnectionError`. A command whose reply was lost may so run twice (an enqueue is then
delivered twice, within at-least-once). An error reply raises `redis.exceptions.ResponseError`.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

RETRIES = 2
BACKOFF_BASE, BACKOFF_CAP = 0.05, 0.5
CONNECT_TIMEOUT = 10.0  # seconds; an address that never answers fails instead of hanging a start

Arg = str | int | float


@dataclass(frozen=True)
class Address:
    """Where and how to connect, read from a `redis://`, `rediss://` or `unix://` URL."""

    host: str = "localhost"
    port: int = 6379
    path: str | None = None  # a unix socket
    username: str | None = None
    password: str | None = None
    db: int = 0
    tls: ssl.SSLContext | None = None
    timeout: float | None = None  # per command (`socket_timeout`); None waits for the reply
    connect_timeout: float = CONNECT_TIMEOUT


def address(url: str) -> Address:
    """The `Address` of `url`, read by redis-py's own URL parser so both connections agree."""
    from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection, parse_url  # noqa: PLC0415

    options: dict[str, Any] = dict(parse_url(url))
    kind = options.get("connection_class")
    timeout = options.get("socket_timeout")
    return Address(
        host=str(options.get("host") or "localhost"),
        port=int(options.get("port") or 6379),
        path=str(options["path"]) if kind is UnixDomainSocketConnection else None,
        username=options.get("username"),
        password=options.get("password"),
        db=int(options.get("db") or 0),
        tls=_tls(options) if kind is SSLConnection else None,
        timeout=None if timeout is None else float(timeout),
        connect_timeout=float(options.get("socket_connect_timeout") or CONNECT_TIMEOUT),
    )


def _tls(options: dict[str, Any]) -> ssl.SSLContext:
    """A TLS context from the URL's `ssl_*` options, with redis-py's meaning and defaults (verify the
    server's certificate and name)."""
    context = ssl.create_default_context(cafile=options.get("ssl_ca_certs"))
    if options.get("ssl_certfile"):
        context.load_cert_chain(options["ssl_certfile"], options.get("ssl_keyfile"))
    requirement = str(options.get("ssl_cert_reqs") or "required").lower()
    if requirement not in {"none", "optional", "required"}:
        raise ValueError(f"ssl_cert_reqs must be none, optional or required, not {requirement!r}")
    context.check_hostname = requirement != "none" and _yes(options.get("ssl_check_hostname", True))
    context.verify_mode = {"none": ssl.CERT_NONE, "optional": ssl.CERT_OPTIONAL}.get(
        requirement, ssl.CERT_REQUIRED
    )
    return context


def _yes(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() not in {"0", "false", "no", "n", "off"}


class _Reply:
    """The replies one `send` waits for: `count` of them, resolved together."""

    __slots__ = ("count", "future", "replies")

    def __init__(self, future: asyncio.Future[list[Any]], count: int) -> None:
        self.future, self.count = future, count
        self.replies: list[Any] = []


class _Protocol(asyncio.Protocol):
    """One connection: requests go out in order, and replies come back in the same order."""

    def __init__(self, hiredis: Any) -> None:
        self.reader = hiredis.Reader(encoding="utf-8")
        self.pack = hiredis.pack_command
        self.waiting: collections.deque[_Reply] = collections.deque()
        self.transport: asyncio.Transport | None = None
        self.lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # (uvloop's are not subclasses)

    def send(self, commands: Sequence[Sequence[Arg]]) -> asyncio.Future[list[Any]]:
        """Write `commands` at once (no other caller's command can come between them)."""
        assert self.transport is not None
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        if self.lost is not None:
            future.set_exception(ConnectionError(str(self.lost)))
            return future
        packed = [self.pack(tuple(command)) for command in commands]
        self.transport.write(packed[0] if len(packed) == 1 else b"".join(packed))
        self.waiting.append(_Reply(future, len(commands)))
        return future

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        try:
            while (reply := self.reader.gets()) is not False:
                head = self.waiting[0]
                head.replies.append(reply)
                if len(head.replies) == head.count:
                    self.waiting.popleft()
                    if not head.future.done():  # its caller may have been cancelled
                        head.future.set_result(head.replies)
        except Exception as error:  # a reply that cannot be read, or one nobody asked for
            self.fail(ConnectionError(f"unreadable reply from Redis: {error}"))
            if self.transport is not None:
                self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(ConnectionError(str(exc) if exc else "Redis closed the connection"))

    def fail(self, error: BaseException) -> None:
        if self.lost is None:
            self.lost = error
        while self.waiting:
            waiting = self.waiting.popleft()
            if not waiting.future.done():
                waiting.future.set_exception(ConnectionError(str(error)))

    @property
    def alive(self) -> bool:
        return self.lost is None and self.transport is not None and not self.transport.is_closing()


class Wire:
    """The shared connection to the server at `address`, opened on first use and again after a drop."""

    def __init__(self, where: Address) -> None:
        import hiredis  # noqa: PLC0415 (optional, with the Redis backend)

        self.address = where
        self._hiredis = hiredis
        self._error: type[Exception] = hiredis.ReplyError
        self._protocol: _Protocol | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: asyncio.Lock | None = None
        self._shas: dict[str, str] = {}

    async def call(self, *command: Arg) -> Any:
        """Send one command; its reply (strings decoded as UTF-8, nested lists, None for nil)."""
        return self._checked((await self.send([command]))[0])

    async def transaction(self, commands: Sequence[Sequence[Arg]]) -> list[Any]:
        """Run `commands` in one MULTI/EXEC, sent in one write; their replies."""
        replies = [self._checked(reply) for reply in await self.send([("MULTI",), *commands, ("EXEC",)])]
        return [self._checked(reply) for reply in replies[-1]]

    async def script(self, source: str, keys: Sequence[Arg], args: Sequence[Arg]) -> Any:
        """Run a Lua script by its digest, sending its text only when the server does not know it (a
        restarted server forgets its scripts)."""
        sha = self._shas.get(source)
        if sha is None:
            sha = self._shas[source] = hashlib.sha1(source.encode()).hexdigest()  # Redis names scripts so
        reply = (await self.send([("EVALSHA", sha, len(keys), *keys, *args)]))[0]
        if isinstance(reply, self._error) and str(reply).startswith("NOSCRIPT"):
            reply = (await self.send([("EVAL", source, len(keys), *keys, *args)]))[0]
        return self._checked(reply)

    async def send(self, commands: Sequence[Sequence[Arg]]) -> list[Any]:
        """The replies to `commands`, sent again on a fresh connection after a dropped one (see the
        module's docstring); error replies are returned, not raised."""
        if not commands:
            return []  # (no reply would ever come to resolve it)
        failures = 0
        while True:
            try:
                protocol = await self._connected()
                reply = protocol.send(commands)
                if self.address.timeout is None:
                    return await reply
                try:
                    return await asyncio.wait_for(reply, self.address.timeout)
                except TimeoutError:
                    self._drop()  # its reply may still come: the connection's order is lost
                    raise
            except OSError as error:  # refused, dropped, timed out (TLS failures too)
                failures += 1
                if failures > RETRIES:
                    raise _unreachable(error, self._where()) from error
                await asyncio.sleep(min(BACKOFF_CAP, BACKOFF_BASE * 2**failures))

    def _checked(self, reply: Any) -> Any:
        """`reply`, or the `ResponseError` it stands for."""
        if isinstance(reply, self._error):
            from redis.exceptions import ResponseError  # noqa: PLC0415

            raise ResponseError(str(reply))
        return reply

    async def _connected(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        protocol = self._protocol
        if protocol is not None and protocol.alive and self._loop is loop:
            return protocol
        if self._loop is not loop:  # first use, or after `close` on another event loop: start over here
            self._protocol = None  # (one left open on a finished loop cannot be closed from this one)
            self._loop, self._opening = loop, asyncio.Lock()
        assert self._opening is not None
        async with self._opening:
            protocol = self._protocol
            if protocol is None or not protocol.alive:
                self._drop()
                protocol = self._protocol = await asyncio.wait_for(
                    self._open(loop), self.address.connect_timeout
                )
        return protocol

    async def _open(self, loop: asyncio.AbstractEventLoop) -> _Protocol:
        where = self.address
        if where.path is not None:
            _, protocol = await loop.create_unix_connection(lambda: _Protocol(self._hiredis), where.path)
        else:
            _, protocol = await loop.create_connection(
                lambda: _Protocol(self._hiredis), where.host, where.port, ssl=where.tls
            )
        hello: list[tuple[Arg, ...]] = []
        if where.password is not None:
            user = () if where.username is None else (where.username,)
            hello.append(("AUTH", *user, where.password))
        if where.db:
            hello.append(("SELECT", where.db))
        assert protocol.transport is not None
        try:
            replies = await protocol.send(hello) if hello else []
        except BaseException:
            protocol.transport.abort()  # a handshake cut short (timed out, cancelled) leaves no socket open
            raise
        refused = [str(r) for r in replies if isinstance(r, self._error)]
        if refused:
            protocol.transport.close()
            from redis.exceptions import AuthenticationError  # noqa: PLC0415 (not retried: not an OSError)

            raise AuthenticationError(f"Redis at {self._where()}: {refused[0]}")
        return protocol

    def _drop(self) -> None:
        protocol, self._protocol = self._protocol, None
        if protocol is not None and protocol.transport is not None:
            protocol.fail(ConnectionError("connection closed"))
            protocol.transport.abort()

    def _where(self) -> str:
        where = self.address
        return where.path if where.path is not None else f"{where.host}:{where.port}"

    async def close(self) -> None:
        self._drop()


def _unreachable(error: OSError, where: str) -> Exception:
    """What a command that could not reach the server raises: redis-py's error for it."""
    from redis.exceptions import ConnectionError as Dropped  # noqa: PLC0415
    from redis.exceptions import TimeoutError as TimedOut  # noqa: PLC0415

    kind = TimedOut if isinstance(error, TimeoutError) else Dropped
    return kind(f"Redis at {where}: {error or type(error).__name__}")
