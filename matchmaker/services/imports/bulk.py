"""Writing many rows at once: COPY on PostgreSQL, one multi-row INSERT batch elsewhere.

An import of 100,000 postings spends most of its database time turning
parameters into SQL text when it goes through INSERT statements; PostgreSQL's
COPY streams the rows instead. Ids are drawn from the table's sequence first,
so the caller learns them without RETURNING. Both ways write inside the
session's transaction: a rollback undoes them like any other change.
"""
from __future__ import annotations

import json

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.orm import Session

__all__ = ["BATCH", "insert_rows"]

#: Rows per INSERT statement where COPY is not available.
BATCH = 1000


def insert_rows(session: Session, table: Table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` (dicts with the same keys, every NOT NULL column given) into
    ``table``; returns the new ids, in the order of ``rows``."""
    if not rows:
        return []
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        ids = []
        for start in range(0, len(rows), BATCH):
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids += session.execute(stmt, rows[start:start + BATCH]).scalars().all()
        return ids
    sequence = session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
    ids = session.scalars(text("SELECT nextval(:sequence) FROM generate_series(1, :n)"),
                          {"sequence": sequence, "n": len(rows)}).all()
    keys = list(rows[0])
    as_json = {key for key in keys if isinstance(table.c[key].type, JSON)}
    columns = ", ".join(f'"{key}"' for key in ("id", *keys))
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for new_id, row in zip(ids, rows):
            copy.write_row([new_id, *(json.dumps(row[k], ensure_ascii=False) if k in as_json and row[k] is not None
                                      else row[k] for k in keys)])
    return ids
