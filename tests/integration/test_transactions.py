"""One way to finish a request's writes: commit on success, roll everything back on a refusal."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker import transactions
from matchmaker.models import Enterprise
from matchmaker.services.errors import ServiceError
from tests.integration import helpers as h


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(Enterprise))


def test_run_commits_and_returns_the_result(app, db):
    ent = transactions.run(lambda session: h.enterprise(session, name="常州新材料有限公司"))
    assert ent.id is not None
    with app.app_context():  # a fresh session sees the committed row
        from matchmaker.db import get_session
        assert get_session().scalar(select(Enterprise.name).where(Enterprise.id == ent.id)) == "常州新材料有限公司"


def test_a_refusal_rolls_back_everything_the_action_did(db):
    def half_done(session):
        h.enterprise(session)
        raise ServiceError("请先完善企业资料。")

    with pytest.raises(ServiceError):
        transactions.run(half_done)
    assert _count(db) == 0
