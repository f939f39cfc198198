"""Database plumbing: declarative base, engine and a session per request.

The engine is built in :func:`init_app`; views get the request's session from
:func:`get_session`; services receive a ``Session`` and never commit.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

#: Seconds to wait for a PostgreSQL server to accept a connection.
CONNECT_TIMEOUT = 5

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and a sane busy timeout."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    kwargs: dict = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # A connection the server dropped (a restart) is replaced before use, and a server that
        # does not answer fails the request within seconds instead of hanging it.
        kwargs["pool_pre_ping"] = True
        if url.startswith("postgresql") and "connect_timeout" not in url:
            kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - driver hook
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()
    return engine


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config.get("SQLALCHEMY_ECHO", False))
    app.extensions["sqlalchemy_engine"] = engine
    app.extensions["sqlalchemy_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(exc):
        session = g.pop("db_session", None)
        if session is None:
            return
        try:
            connection = session.connection() if session.in_transaction() else None
        except Exception:  # noqa: BLE001 - a failed flush: the rollback below ends it
            connection = None
        try:
            if exc is not None:
                session.rollback()
            session.close()
        except DBAPIError as error:
            # The response is already made: a connection the server dropped meanwhile (a
            # restart) must not turn it into an error. The connection is thrown away, not reused.
            app.logger.warning("the request's database connection was lost while closing it: %s",
                               str(getattr(error, "orig", None) or error).strip().partition("\n")[0])
            if connection is not None:
                connection.invalidate()
                connection.close()


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["sqlalchemy_engine"]


def get_session() -> Session:
    """The session of the current request or app context (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sqlalchemy_sessionmaker"]()
    return g.db_session


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A session for CLI commands and jobs: commits on success, rolls back on error."""
    session = app.extensions["sqlalchemy_sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
