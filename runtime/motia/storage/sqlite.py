"""The SQLite backend, the default: state, stream items, the queue and dead letters in one file.

Settings (measured in the reference notes on event queues, and again for this schema): WAL journal with
`synchronous=NORMAL`. A commit is then durable against a crash of the process (what a restart must
survive) and costs tens of microseconds, where `FULL` fsyncs every commit and runs about 7 times slower.
Checkpoints, which do fsync, run every 10,000 WAL pages instead of every 1,000: enqueueing one event
per commit ran twice as fast. Message ids are plain rowids (AUTOINCREMENT writes one more page per
insert, which cost as much again); that ids can be reused is harmless because settling a message takes the
random receipt of its claim, not its id alone.

The calls run directly on the event-loop thread: each is one short transaction, and a hop to a worker
thread would cost more (about 110 µs) than the transaction itself. `busy_timeout` lets a second process
using the same file wait for the lock instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from motia.storage.backend import (
    DeadLetter,
    InProcessStore,
    JsonData,
    Message,
    NewMessage,
    UpdateOp,
    UpdateResult,
)
from motia.storage.jsonvalue import dumps, loads
from motia.storage.update import apply_ops

DEFAULT_PATH = Path(".motia") / "motia.sqlite3"
"""Where an app keeps its data, relative to the app's folder."""

SCHEMA_VERSION = 1

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA wal_autocheckpoint=10000",
    "PRAGMA journal_size_limit=67108864",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    namespace TEXT NOT NULL,
    grp TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (namespace, grp, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    subscriber TEXT NOT NULL,
    payload TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    group_id TEXT,
    fifo_group TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    receipt INTEGER,
    visible_at REAL NOT NULL,
    enqueued_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_ready ON messages (topic, subscriber, visible_at, id);
CREATE INDEX IF NOT EXISTS messages_fifo ON messages (topic, subscriber, fifo_group, id)
    WHERE fifo_group IS NOT NULL;
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    subscriber TEXT NOT NULL,
    payload TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    group_id TEXT,
    fifo_group TEXT,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    failed_at REAL NOT NULL,
    enqueued_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS locks (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until REAL NOT NULL
) WITHOUT ROWID;
"""

# Expired locks are dropped first, so the upsert only has to respect a live lock held by someone else.
_LOCK = """
INSERT INTO locks (name, owner, until) VALUES (:name, :owner, :until)
ON CONFLICT (name) DO UPDATE SET until = excluded.until WHERE locks.owner = excluded.owner
"""

# Only the oldest message of a FIFO group is claimable: no older message of the group may exist, whether
# it is in flight, waiting for a retry or delayed.
_CLAIM = """
UPDATE messages SET attempts = attempts + 1, visible_at = :lease_until, receipt = random()
WHERE id IN (
    SELECT m.id FROM messages AS m
    WHERE m.topic = :topic AND m.subscriber = :subscriber AND m.visible_at <= :now
      AND (m.fifo_group IS NULL OR NOT EXISTS (
          SELECT 1 FROM messages AS o
          WHERE o.topic = m.topic AND o.subscriber = m.subscriber
            AND o.fifo_group = m.fifo_group AND o.id < m.id))
    ORDER BY m.visible_at, m.id
    LIMIT :limit)
RETURNING id, payload, trace_id, attempts, receipt, enqueued_at, group_id, fifo_group
"""

_ENQUEUE = """
INSERT INTO messages (topic, subscriber, payload, trace_id, group_id, fifo_group, visible_at, enqueued_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""

_TO_DEAD = """
INSERT INTO dead_letters
    (topic, subscriber, payload, trace_id, group_id, fifo_group, reason, attempts, failed_at, enqueued_at)
SELECT topic, subscriber, payload, trace_id, group_id, fifo_group, ?, attempts, ?, enqueued_at
FROM messages WHERE id = ? AND receipt = ?
"""

_FROM_DEAD = """
INSERT INTO messages (topic, subscriber, payload, trace_id, group_id, fifo_group, visible_at, enqueued_at)
SELECT topic, subscriber, payload, trace_id, group_id, fifo_group, ?, ? FROM dead_letters WHERE id = ?
"""

_DEAD_COLUMNS = (
    "id, topic, subscriber, payload, trace_id, reason, attempts, failed_at, enqueued_at, group_id, fifo_group"
)


class DatabaseUnusable(RuntimeError):
    """The app's SQLite file cannot be used: corrupt, truncated to nothing, not a database, or holding
    another format. The message names the file and what to do; nothing in it was changed."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"{path} is not a usable motia database ({reason}); move it aside to start with an empty one, "
            "or restore it from a backup"
        )


class SqliteBackend(InProcessStore):
    """A `motia.storage.backend.Backend` in one SQLite file; everything it accepted survives a restart.

    Opening a file that is not a usable database raises `DatabaseUnusable`. An existing empty file counts as
    one: the backend writes its schema as soon as it creates a file, so an empty one was truncated."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_file() and self.path.stat().st_size == 0:
            raise DatabaseUnusable(self.path, "the file is empty")
        self._db = sqlite3.connect(self.path, isolation_level=None)
        try:
            for pragma in _PRAGMAS:
                self._db.execute(pragma)
            self._create_schema()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise DatabaseUnusable(self.path, str(error)) from None
        except BaseException:
            self._db.close()
            raise

    def _create_schema(self) -> None:
        with self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                reason = (
                    f"it holds motia data in format {version}; this runtime reads format {SCHEMA_VERSION}"
                )
                raise DatabaseUnusable(self.path, reason)
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- key-value records
    async def get(self, namespace: str, group: str, key: str) -> JsonData:
        return self._get(namespace, group, key)

    async def set(self, namespace: str, group: str, key: str, value: JsonData) -> None:
        self._set(namespace, group, key, value)

    async def delete(self, namespace: str, group: str, key: str) -> JsonData:
        row = self._db.execute(
            "DELETE FROM records WHERE namespace = ? AND grp = ? AND key = ? RETURNING value",
            (namespace, group, key),
        ).fetchone()
        return None if row is None else loads(row[0])

    async def get_group(self, namespace: str, group: str) -> list[tuple[str, JsonData]]:
        rows = self._db.execute(
            "SELECT key, value FROM records WHERE namespace = ? AND grp = ? ORDER BY key", (namespace, group)
        )
        return [(key, loads(value)) for key, value in rows]

    async def list_groups(self, namespace: str) -> list[str]:
        rows = self._db.execute(
            "SELECT DISTINCT grp FROM records WHERE namespace = ? ORDER BY grp", (namespace,)
        )
        return [group for (group,) in rows]

    async def clear(self, namespace: str, group: str) -> None:
        self._db.execute("DELETE FROM records WHERE namespace = ? AND grp = ?", (namespace, group))

    async def update(
        self,
        namespace: str,
        group: str,
        key: str,
        ops: Sequence[UpdateOp],
        finish: Callable[[JsonData], JsonData] | None = None,
    ) -> UpdateResult:
        # IMMEDIATE takes the write lock before reading, so no other connection can write in between.
        with self._transaction():
            old = self._get(namespace, group, key)
            new = apply_ops(old, ops)
            if finish is not None:
                new = finish(new)
            self._set(namespace, group, key, new)
        return UpdateResult(old_value=old, new_value=new)

    def _get(self, namespace: str, group: str, key: str) -> JsonData:
        row = self._db.execute(
            "SELECT value FROM records WHERE namespace = ? AND grp = ? AND key = ?", (namespace, group, key)
        ).fetchone()
        return None if row is None else loads(row[0])

    def _set(self, namespace: str, group: str, key: str, value: JsonData) -> None:
        self._db.execute(
            "INSERT INTO records (namespace, grp, key, value) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (namespace, grp, key) DO UPDATE SET value = excluded.value",
            (namespace, group, key, dumps(value)),
        )

    # -- the queue
    async def enqueue(self, messages: Sequence[NewMessage]) -> list[str]:
        texts: dict[int, str] = {}
        ids = []
        # One message is one statement, atomic on its own; several share a transaction (all or none).
        with self._transaction() if len(messages) > 1 else nullcontext():
            for new in messages:
                text = texts.get(id(new.payload))
                if text is None:
                    text = texts[id(new.payload)] = dumps(new.payload)
                cursor = self._db.execute(
                    _ENQUEUE,
                    (
                        new.topic,
                        new.subscriber,
                        text,
                        new.trace_id,
                        new.group_id,
                        new.fifo_group,
                        new.visible_at,
                        new.enqueued_at,
                    ),
                )
                ids.append(str(cursor.lastrowid))
        return ids

    async def claim(
        self, topic: str, subscriber: str, *, now: float, lease_until: float, limit: int
    ) -> list[Message]:
        parameters = {"topic": topic, "subscriber": subscriber, "now": now}
        parameters |= {"lease_until": lease_until, "limit": limit}
        rows = self._db.execute(_CLAIM, parameters).fetchall()
        rows.sort(key=lambda row: int(row[0]))  # RETURNING has no defined order
        return [
            Message(
                id=str(message_id),
                topic=topic,
                subscriber=subscriber,
                payload=loads(payload),
                trace_id=trace_id,
                attempt=attempts,
                receipt=str(receipt),
                enqueued_at=enqueued_at,
                group_id=group_id,
                fifo_group=fifo_group,
            )
            for message_id, payload, trace_id, attempts, receipt, enqueued_at, group_id, fifo_group in rows
        ]

    async def next_visible(self, topic: str, subscriber: str, *, after: float) -> float | None:
        row = self._db.execute(
            "SELECT MIN(visible_at) FROM messages WHERE topic = ? AND subscriber = ? AND visible_at > ?",
            (topic, subscriber, after),
        ).fetchone()
        return None if row is None else row[0]

    async def ack(self, messages: Sequence[Message]) -> int:
        rows = [_held(message) for message in messages]
        if len(rows) == 1:
            return self._db.execute("DELETE FROM messages WHERE id = ? AND receipt = ?", rows[0]).rowcount
        with self._transaction():
            return self._db.executemany("DELETE FROM messages WHERE id = ? AND receipt = ?", rows).rowcount

    async def retry(self, message: Message, *, visible_at: float) -> bool:
        cursor = self._db.execute(
            "UPDATE messages SET visible_at = ?, receipt = NULL WHERE id = ? AND receipt = ?",
            (visible_at, *_held(message)),
        )
        return cursor.rowcount == 1

    async def release(self, message: Message, *, now: float) -> bool:
        cursor = self._db.execute(
            "UPDATE messages SET visible_at = ?, attempts = attempts - 1, receipt = NULL"
            " WHERE id = ? AND receipt = ?",
            (now, *_held(message)),
        )
        return cursor.rowcount == 1

    async def dead_letter(self, message: Message, *, reason: str, now: float) -> str | None:
        with self._transaction():
            cursor = self._db.execute(_TO_DEAD, (reason, now, *_held(message)))
            if cursor.rowcount != 1:
                return None
            self._db.execute("DELETE FROM messages WHERE id = ?", (int(message.id),))
        return str(cursor.lastrowid)

    async def dead_letters(
        self, *, topic: str | None = None, subscriber: str | None = None
    ) -> list[DeadLetter]:
        rows = self._db.execute(
            f"SELECT {_DEAD_COLUMNS} FROM dead_letters"
            " WHERE (:topic IS NULL OR topic = :topic) AND (:subscriber IS NULL OR subscriber = :subscriber)"
            " ORDER BY failed_at, id",
            {"topic": topic, "subscriber": subscriber},
        )
        return [_dead_letter(row) for row in rows]

    async def replay(self, dead_letter_id: str, *, now: float) -> str | None:
        if not dead_letter_id.isascii() or not dead_letter_id.isdecimal() or int(dead_letter_id) >= 2**63:
            return None  # not an id SQLite could have given (it stores ids as signed 64-bit integers)
        key = int(dead_letter_id)
        with self._transaction():
            cursor = self._db.execute(_FROM_DEAD, (now, now, key))
            if cursor.rowcount != 1:
                return None
            self._db.execute("DELETE FROM dead_letters WHERE id = ?", (key,))
        return str(cursor.lastrowid)

    async def pending(self, *, topic: str | None = None, subscriber: str | None = None) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM messages"
            " WHERE (:topic IS NULL OR topic = :topic) AND (:subscriber IS NULL OR subscriber = :subscriber)",
            {"topic": topic, "subscriber": subscriber},
        ).fetchone()
        return int(row[0])

    # -- locks
    async def acquire_lock(self, name: str, owner: str, *, until: float, now: float) -> bool:
        with self._transaction():
            self._db.execute("DELETE FROM locks WHERE until <= ?", (now,))
            cursor = self._db.execute(_LOCK, {"name": name, "owner": owner, "until": until})
        return cursor.rowcount == 1

    async def check(self) -> str | None:
        """A real write, committed (rewriting the format number in the file's header): a full disk, a file
        made read-only or a closed database shows here, not when the next event is lost."""
        try:
            with self._transaction():
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.Error as error:
            return f"the database cannot be written: {error}"
        return None

    async def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _held(message: Message) -> tuple[int, int]:
    """The (id, receipt) key under which a claimed message is held."""
    return int(message.id), int(message.receipt)


def _dead_letter(row: Any) -> DeadLetter:
    """A dead_letters row; `_DEAD_COLUMNS` lists the columns in `DeadLetter`'s field order."""
    return DeadLetter(str(row[0]), row[1], row[2], loads(row[3]), *row[4:])
