"""Rate-limit counters in a SQLite file, shared by every process of a site without Redis.

Flask-Limiter's in-memory storage counts per process: behind gunicorn with three
workers, a limit of 10 log-ins a minute let 30 through. Without Redis the site
runs on one machine, so its workers share the instance folder; this storage
keeps the counters in a small SQLite file there (``ratelimits.sqlite``),
registered with :mod:`limits` as the ``matchmaker+sqlite://`` scheme.

The file is a cache, not part of the site's data: it is created on first use,
expired windows are swept as it goes, and it may be deleted at any time.
Only the fixed-window strategy (Flask-Limiter's default) is supported.
"""
from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, unquote, urlsplit

from limits.storage import Storage

__all__ = ["FILE_NAME", "SCHEME", "SQLiteFileStorage", "storage_uri"]

SCHEME = "matchmaker+sqlite"
FILE_NAME = "ratelimits.sqlite"
#: One write in this many also deletes the expired windows.
SWEEP_EVERY = 200

_SCHEMA = "CREATE TABLE IF NOT EXISTS windows (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires REAL NOT NULL)"


def storage_uri(folder: str | os.PathLike) -> str:
    """The storage URI of the counters file in ``folder`` (the instance folder)."""
    return f"{SCHEME}://{quote(str(Path(folder).resolve() / FILE_NAME))}"


class SQLiteFileStorage(Storage):
    """Fixed-window counters in a SQLite file (``matchmaker+sqlite:///absolute/path``).

    Each thread of each process opens its own connection (a connection never
    crosses a fork); writes are single short ``BEGIN IMMEDIATE`` transactions.
    """

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **_options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = Path(unquote(urlsplit(uri).path))
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            local.conn, local.pid = conn, os.getpid()
        return local.conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the window of ``key`` (a new one of ``expiry`` seconds when
        it has expired); returns the window's hits."""
        now = time.time()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            (hits,) = db.execute(
                "INSERT INTO windows (key, hits, expires) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (key) DO UPDATE SET "
                "hits = CASE WHEN expires <= ?4 THEN excluded.hits ELSE hits + excluded.hits END, "
                "expires = CASE WHEN expires <= ?4 THEN excluded.expires ELSE expires END "
                "RETURNING hits", (key, amount, now + expiry, now)).fetchone()
            if random.randrange(SWEEP_EVERY) == 0:
                db.execute("DELETE FROM windows WHERE expires <= ?", (now,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return hits

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT hits FROM windows WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._db().execute("SELECT expires FROM windows WHERE key = ? AND expires > ?", (key, now)).fetchone()
        return row[0] if row else now

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1 FROM windows LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM windows").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM windows WHERE key = ?", (key,))
