"""Finishing a request's writes, and writing safely while others write the same thing.

Services change the session they are given and never commit; the door that called
them does. Both doors of a request, the site and the API, end a
write with :func:`run`, so there is one place where a request commits and a
refusal or a failure can never leave half a change in the session for a later
commit to pick up. The site's :func:`matchmaker.web.service_calls.attempt` adds the
flashed messages on top; CLI commands and jobs use :func:`matchmaker.db.session_scope`.

Two people (or two workers) may send the same write at the same moment. The
database decides who wins, and the services ask it in three ways:

* :func:`add_unique` stores a new row in a SAVEPOINT; when a unique constraint
  says another transaction stored the same row first, the savepoint is rolled back
  and the stored row is returned instead, so the loser carries on with the winner.
* :func:`lock_for_write` takes a row before a decision that depends on it (is the
  request still pending? has the schedule been built since?), so such decisions
  about one row are made one after another. PostgreSQL locks the row
  (``SELECT … FOR NO KEY UPDATE``, which still lets other rows refer to it);
  SQLite has one write lock for the whole database and takes that.
* :func:`lock_row` takes the row only where that costs nothing but the row
  (PostgreSQL), for callers about to do long work that others should wait for
  rather than repeat; they call :func:`lock_for_write` again before writing.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import get_session

__all__ = ["add_unique", "claim_task", "lock_for_write", "lock_row", "run"]

T = TypeVar("T")
R = TypeVar("R")


def run(action: Callable[[Session], T], session: Session | None = None) -> T:
    """``action(session)``, committed; returns its result.

    Any exception (a service's refusal included) rolls the session back and is
    raised again. ``session`` defaults to the request's own.
    """
    session = session if session is not None else get_session()
    try:
        result = action(session)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result


def _row_locks(session: Session) -> bool:
    return session.get_bind().dialect.name != "sqlite"


def _sqlite_write_transaction(session: Session) -> None:
    """Make the session's SQLite connection hold the database's write lock.

    The sqlite3 driver opens a transaction only at the first INSERT, UPDATE or
    DELETE; until then reads run outside any transaction, and a SAVEPOINT would
    open one that its RELEASE commits. ``BEGIN IMMEDIATE`` waits (up to the busy
    timeout) for another writer to finish, then reads see what it committed.
    """
    connection = session.connection()
    driver = connection.connection.dbapi_connection
    if not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_row(session: Session, row: R) -> bool:
    """Lock ``row`` until the transaction ends where the database locks single rows, and reload it.

    Returns whether a lock was taken: True on PostgreSQL, where a second caller
    waits here until the first one's transaction ends and then reads what it
    committed; False on SQLite, which locks only the whole database (see
    :func:`lock_for_write`). Changes made to ``row`` in this session and not yet
    flushed are lost, so lock before changing it.
    """
    if not _row_locks(session):
        return False
    _reload(session, row, {"key_share": True, "of": type(row)})
    return True


#: Namespaces of :func:`claim_task` (the first key of PostgreSQL's two-key advisory locks).
TASKS = {"schedule_build": 1}


def claim_task(session: Session, task: str, key: int) -> bool:
    """Claim ``(task, key)`` until the transaction ends, without waiting; False when another holds it.

    On PostgreSQL a transaction-level advisory lock: it blocks no row and no
    other write, only a second claim of the same task, which is told at once
    (a long computation, such as a schedule build, can hold it for minutes
    without making anyone wait). SQLite has one writer at a time anyway, and
    the claim always succeeds there.
    """
    if not _row_locks(session):
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:task, :key)"),
                               {"task": TASKS[task], "key": int(key)}))


def _reload(session: Session, row, with_for_update=None) -> None:
    """Read ``row`` again by its primary key (locking it), without the eager loads it was first read with:
    PostgreSQL does not lock rows on the outer side of a join."""
    session.get(type(row), inspect(row).identity, with_for_update=with_for_update, populate_existing=True)


def lock_for_write(session: Session, row: R) -> R:
    """Lock ``row`` for writing until the transaction ends, reload it and return it.

    PostgreSQL locks the row (:func:`lock_row`); SQLite takes the database's
    write lock. Either way a second caller waits here until the first one's
    transaction ends, then sees the row as committed. Lock before changing ``row``:
    unflushed changes to it are lost.
    """
    if not lock_row(session, row):
        _sqlite_write_transaction(session)
        _reload(session, row)
    return row


def add_unique(session: Session, row: R, existing: Callable[[], R | None]) -> tuple[R, bool]:
    """Add and flush ``row``; when another transaction stored the same row first, return that one.

    ``row`` is inserted in a SAVEPOINT. When a unique constraint refuses it, only
    the savepoint is rolled back and ``existing()`` looks the stored row up (by
    the same unique key). Returns ``(row, True)`` when ``row`` was stored, or
    ``(stored row, False)``. Any other integrity error (nothing found by
    ``existing()``) is raised.
    """
    if not _row_locks(session):
        _sqlite_write_transaction(session)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found, False
    return row, True
