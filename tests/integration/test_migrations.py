"""Alembic is the only way the schema changes: up, down and up again on a fresh database."""
from __future__ import annotations

import datetime as dt
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


def _insert(conn, table, **values):
    """Insert a row giving ``values`` and a plain value for every other required column."""
    from sqlalchemy import MetaData, Table
    from sqlalchemy import types as t
    reflected = Table(table, MetaData(), autoload_with=conn)
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, (t.Integer, t.Numeric)):
            row[column.name] = 0
        elif isinstance(kind, t.Boolean):
            row[column.name] = False
        elif isinstance(kind, t.DateTime):
            row[column.name] = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        elif isinstance(kind, t.Date):
            row[column.name] = dt.date(2026, 1, 1)
        elif isinstance(kind, t.JSON):
            row[column.name] = {} if column.name in ("contact", "extra", "details") else []
        else:
            row[column.name] = getattr(getattr(kind, "enums", None), "__getitem__", lambda _: "x")(0)
    conn.execute(reflected.insert().values(**row))


def _counts(url: str) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
                    for name in ("enterprise", "qualification", "user", "demand", "capability")} | {
                "users_with_enterprise": conn.execute(
                    text('SELECT count(*) FROM "user" WHERE enterprise_id IS NOT NULL')).scalar()}
    finally:
        engine.dispose()


def _upgrade_keeps_rows(url: str) -> None:
    """Upgrading a database that holds data keeps every row and every reference.

    On SQLite a column change copies the table and drops the old one; with foreign keys
    on, that drop would cascade to (and delete) every row referencing the table.
    """
    migrate.upgrade(url, "0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        _insert(conn, "enterprise", id=1, name="星河材料有限公司", uscc="91320100MA1PW00019", size="small")
        _insert(conn, "qualification", id=1, enterprise_id=1, name="ISO 9001", canonical="ISO 9001")
        _insert(conn, "user", id=1, email="a@example.test", enterprise_id=1, role="enterprise",
                password_hash="x")
        _insert(conn, "demand", id=1, enterprise_id=1, title="正极材料采购", kind="procurement", status="draft")
        _insert(conn, "capability", id=1, enterprise_id=1, title="磷酸铁锂正极")
    engine.dispose()
    before = _counts(url)
    assert before == {"enterprise": 1, "qualification": 1, "user": 1, "demand": 1, "capability": 1,
                      "users_with_enterprise": 1}
    migrate.upgrade(url)
    assert _counts(url) == before


def test_upgrade_keeps_rows_on_sqlite(tmp_path):
    _upgrade_keeps_rows(f"sqlite:///{tmp_path / 'data.sqlite'}")


def test_upgrade_keeps_rows_on_postgres(empty_postgres):
    _upgrade_keeps_rows(empty_postgres)


def _organisation_kinds_backfilled(url: str) -> None:
    """GB 32100-2015 table 1: upgrading gives existing members their kind from the credit code
    (12… 事业单位, a university or institute by its name; 51… 社会组织; 91… enterprise)."""
    from matchmaker.domain import uscc

    migrate.upgrade(url, "0005")
    codes = {1: ("苏州理工大学", uscc.build("1", "2", "320500", "46600011")),
             2: ("江苏省先进材料研究院", uscc.build("1", "2", "320000", "46600022")),
             3: ("苏州市人民医院", uscc.build("1", "2", "320500", "46600033")),
             4: ("苏州市汽车零部件行业协会", uscc.build("5", "1", "320500", "50000044")),
             5: ("星河材料有限公司", uscc.build("9", "1", "320500", "60000055"))}
    engine = make_engine(url)
    with engine.begin() as conn:
        for id_, (name, code) in codes.items():
            _insert(conn, "enterprise", id=id_, name=name, uscc=code)
        _insert(conn, "enterprise", id=6, name="未填代码企业", uscc=None)
    engine.dispose()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            kinds = dict(conn.execute(text("SELECT id, org_type FROM enterprise ORDER BY id")).all())
    finally:
        engine.dispose()
    assert kinds == {1: "university", 2: "research_institute", 3: "public_institution", 4: "social_organisation",
                     5: "enterprise", 6: "enterprise"}


def test_organisation_kinds_backfilled_on_sqlite(tmp_path):
    _organisation_kinds_backfilled(f"sqlite:///{tmp_path / 'data.sqlite'}")


def test_organisation_kinds_backfilled_on_postgres(empty_postgres):
    _organisation_kinds_backfilled(empty_postgres)
