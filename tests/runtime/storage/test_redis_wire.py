"""The Redis backend's own connection (`motia.storage.redis_wire`): addresses read from URLs, pipelining
on one connection, cancelled callers, dropped and refused connections, forgotten scripts, unreadable and
missing replies, and the ways to reach a server (password and database, a unix socket, TLS)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from motia.storage import redis_wire
from motia.storage.redis_backend import RedisBackend
from motia.storage.redis_wire import Wire, address
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import ConnectionError as Dropped
from redis.exceptions import TimeoutError as TimedOut

from tests.redis_server import free_port, running_redis


@contextlib.asynccontextmanager
async def opened(url: str) -> AsyncIterator[Wire]:
    w = Wire(address(url))
    try:
        yield w
    finally:
        await w.close()


def run(body: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(body())  # type: ignore[arg-type]


def test_addresses_are_read_as_redis_py_reads_them() -> None:
    plain = address("redis://user:secret@example.org:6380/3?socket_timeout=2.5")
    assert (plain.host, plain.port, plain.db, plain.username, plain.password) == (
        "example.org",
        6380,
        3,
        "user",
        "secret",
    )
    assert (plain.path, plain.tls, plain.timeout) == (None, None, 2.5)
    socket = address("unix:///run/redis.sock?db=2")
    assert (socket.path, socket.db) == ("/run/redis.sock", 2)
    secure = address("rediss://example.org")
    assert secure.tls is not None
    assert (secure.tls.verify_mode, secure.tls.check_hostname) == (ssl.CERT_REQUIRED, True)
    lax = address("rediss://example.org?ssl_cert_reqs=none")
    assert lax.tls is not None
    assert (lax.tls.verify_mode, lax.tls.check_hostname) == (ssl.CERT_NONE, False)
    with pytest.raises(ValueError, match="ssl_cert_reqs"):
        address("rediss://example.org?ssl_cert_reqs=sometimes")


def test_concurrent_callers_share_one_connection_and_get_their_own_replies(redis_url: str) -> None:
    async def main() -> None:
        async with opened(redis_url) as w:
            name = "wire-test-shared"
            await w.call("CLIENT", "SETNAME", name)
            values = await asyncio.gather(*(w.call("ECHO", f"value {i}") for i in range(500)))
            assert values == [f"value {i}" for i in range(500)]
            clients = await w.call("CLIENT", "LIST")
            assert clients.count(f"name={name} ") == 1

    run(main)


def test_a_cancelled_caller_does_not_shift_the_replies_of_the_others(redis_url: str) -> None:
    async def main() -> None:
        async with opened(redis_url) as w:
            slow = asyncio.ensure_future(w.call("BLPOP", "wire-test-nothing", "0.2"))
            after = asyncio.ensure_future(w.call("ECHO", "after"))
            await asyncio.sleep(0.05)
            slow.cancel()
            assert await after == "after"
            assert await w.call("ECHO", "later") == "later"

    run(main)


def test_error_replies_raise_and_the_connection_goes_on(redis_url: str) -> None:
    async def main() -> None:
        async with opened(redis_url) as w:
            await w.call("SET", "wire-test-string", "x")
            with pytest.raises(ResponseError, match="WRONGTYPE"):
                await w.call("LPUSH", "wire-test-string", "y")
            with pytest.raises(ResponseError, match="WRONGTYPE"):
                await w.transaction([("SET", "wire-test-t", "1"), ("LPUSH", "wire-test-string", "y")])
            assert await w.call("GET", "wire-test-t") == "1"  # MULTI/EXEC does not roll back
            assert await w.send([]) == []

    run(main)


def test_a_script_the_server_forgot_is_sent_again(redis_url: str) -> None:
    async def main() -> None:
        async with opened(redis_url) as w:
            source = "return {KEYS[1], ARGV[1]}"
            assert await w.script(source, ["k"], ["v"]) == ["k", "v"]
            await w.call("SCRIPT", "FLUSH")
            assert await w.script(source, ["k"], ["w"]) == ["k", "w"]

    run(main)


def test_a_dropped_connection_is_opened_again_for_the_next_command(redis_url: str) -> None:
    async def main() -> None:
        async with opened(redis_url) as w:
            await w.call("CLIENT", "SETNAME", "wire-test-dropped")
            first = await w.call("CLIENT", "ID")
            async with opened(redis_url) as killer:
                assert await killer.call("CLIENT", "KILL", "ID", first) == 1
            assert await w.call("ECHO", "back") == "back"
            assert await w.call("CLIENT", "ID") != first

    run(main)


def test_a_server_that_is_down_raises_after_the_retries_and_is_used_once_back() -> None:
    async def main() -> None:
        with running_redis() as server:
            async with opened(server.url) as w:
                assert await w.call("SET", "k", "1") == "OK"
                server.kill()
                with pytest.raises(Dropped, match=f"127.0.0.1:{server.port}"):
                    await w.call("GET", "k")
                server.start()
                assert await w.call("ECHO", "up") == "up"

    run(main)


@contextlib.asynccontextmanager
async def fake_server(answer: bytes | None) -> AsyncIterator[int]:
    """A TCP server that reads a command and sends `answer` back (None: never answers); yields its port."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        if answer is not None:
            writer.write(answer)
            await writer.drain()
        await reader.read(1024)  # then waits until the client goes
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


def test_an_unreadable_reply_fails_the_command_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_wire, "BACKOFF_BASE", 0.001)

    async def main() -> None:
        async with fake_server(b"?this is not RESP\r\n") as port, opened(f"redis://127.0.0.1:{port}/0") as w:
            with pytest.raises(Dropped, match="unreadable reply"):
                await asyncio.wait_for(w.call("PING"), 5)

    run(main)


def test_socket_timeout_bounds_the_wait_for_a_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_wire, "BACKOFF_BASE", 0.001)

    async def main() -> None:
        async with fake_server(None) as port, opened(f"redis://127.0.0.1:{port}/0?socket_timeout=0.05") as w:
            with pytest.raises(TimedOut):
                await asyncio.wait_for(w.call("PING"), 5)

    run(main)


def test_socket_connect_timeout_bounds_the_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening includes the AUTH exchange: a server that takes the connection and never answers fails the
    command after `socket_connect_timeout`, not never."""
    monkeypatch.setattr(redis_wire, "BACKOFF_BASE", 0.001)
    assert address("redis://h").connect_timeout == redis_wire.CONNECT_TIMEOUT

    async def main() -> None:
        url = "redis://:pw@127.0.0.1:{}/0?socket_connect_timeout=0.05"
        async with fake_server(None) as port, opened(url.format(port)) as w:
            assert w.address.connect_timeout == 0.05
            with pytest.raises(TimedOut):
                await asyncio.wait_for(w.call("PING"), 5)

    run(main)


def test_a_closed_backend_opens_again_on_another_event_loop(redis_url: str) -> None:
    backend = RedisBackend(redis_url, app="wire-test-loops")

    async def write() -> None:
        await backend.set("ns", "g", "k", 1)
        await backend.close()

    async def read() -> Any:
        try:
            return await backend.get("ns", "g", "k")
        finally:
            await backend.close()

    asyncio.run(write())
    assert asyncio.run(read()) == 1


async def _round_trip(url: str) -> Any:
    backend = RedisBackend(url, app="wire-test")
    try:
        await backend.set("ns", "g", "k", {"ok": True})
        return await backend.get("ns", "g", "k")
    finally:
        await backend.close()


async def _size(url: str) -> Any:
    async with opened(url) as w:
        return await w.call("DBSIZE")


def test_a_password_and_a_database_are_used() -> None:
    with running_redis(extra=["--requirepass", "s3cret"]) as server:
        url = server.url.replace("redis://", "redis://:s3cret@").replace("/0", "/4")
        assert asyncio.run(_round_trip(url)) == {"ok": True}
        assert asyncio.run(_size(url.replace("/4", "/0"))) == 0  # it was written to database 4
        assert asyncio.run(_size(url)) == 2
        with pytest.raises(AuthenticationError, match=r"WRONGPASS|invalid"):
            asyncio.run(_round_trip(server.url.replace("redis://", "redis://:wrong@")))


def test_a_unix_socket_is_used(tmp_path: Path) -> None:
    socket = tmp_path / "redis.sock"
    with running_redis(extra=["--unixsocket", str(socket), "--unixsocketperm", "700"]):
        assert asyncio.run(_round_trip(f"unix://{socket}?db=1")) == {"ok": True}


def test_tls_is_used_and_the_certificate_checked(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
    command += ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)
    port = free_port()
    tls = ["--tls-port", str(port), "--tls-cert-file", str(cert), "--tls-key-file", str(key)]
    tls += ["--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no"]
    with running_redis(extra=tls):
        secure = f"rediss://127.0.0.1:{port}/0"
        assert asyncio.run(_round_trip(f"{secure}?ssl_ca_certs={cert}")) == {"ok": True}
        with pytest.raises(Dropped, match="CERTIFICATE_VERIFY_FAILED"):
            asyncio.run(_round_trip(secure))  # the test's own certificate is trusted by nobody
