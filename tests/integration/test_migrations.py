"""Alembic is the only way the schema changes: up, down and up again on a fresh database."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from matchmaker import migrate
from matchmaker.db import Base, make_engine
import matchmaker.models  # noqa: F401
from tests.conftest import need_service


@pytest.fixture
def empty_postgres():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        need_service("the migration test needs TEST_DATABASE_URL pointing at PostgreSQL")
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"mm_migrate_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        need_service(f"cannot create a scratch PostgreSQL database: {exc}")
    fresh = make_url(url).set(database=name).render_as_string(hide_password=False)
    yield fresh
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _round_trip(url: str) -> None:
    expected = set(Base.metadata.tables)
    migrate.upgrade(url)
    assert expected <= _tables(url)
    migrate.downgrade(url, "base")
    assert _tables(url) <= {"alembic_version"}
    migrate.upgrade(url)
    assert expected <= _tables(url)


def test_upgrade_downgrade_upgrade_on_empty_postgres(empty_postgres):
    _round_trip(empty_postgres)


def test_upgrade_downgrade_upgrade_on_sqlite(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'fresh.sqlite'}")


def test_migrations_match_the_models(tmp_path):
    """A model change without a migration would leave the database behind the code."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    url = f"sqlite:///{tmp_path / 'cmp.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
