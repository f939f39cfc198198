"""Small builders for integration tests (real rows, no mocks)."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

from matchmaker.domain import uscc
from matchmaker.models import Capability, Demand, Enterprise, User
from matchmaker.security import hash_password

DATA = Path(__file__).resolve().parents[1] / "data"
_seq = itertools.count(1)


def make_uscc(n: int) -> str:
    """A valid unified social credit code (GB 32100-2015) of an enterprise in Suzhou, numbered ``n``.

    ``n`` (below 10**8) is the organisation code body; its GB 11714-1997 check
    character and the code's own check character are computed.
    """
    return uscc.build("9", "1", "320500", f"{n:08d}")


def dev_chains() -> dict:
    return json.loads((DATA / "match-dev" / "chains.json").read_text(encoding="utf-8"))


def enterprise(db, name=None, size="small", region="江苏省", verified=True, **kw) -> Enterprise:
    n = next(_seq)
    ent = Enterprise(name=name or f"测试企业{n}有限公司", uscc=make_uscc(n), size=size, region=region,
                     verified=verified, **kw)
    db.add(ent)
    db.flush()
    return ent


def user(db, ent=None, role="enterprise", email=None, password="correct horse battery", **kw) -> User:
    n = next(_seq)
    u = User(email=email or f"user{n}@example.com", name=f"用户{n}", role=role,
             enterprise_id=ent.id if ent else None, password_hash=hash_password(password), **kw)
    db.add(u)
    db.flush()
    return u


def login(client, u: User) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = str(u.id)
        sess["_fresh"] = True
    # The db fixture keeps one app context open; drop Flask-Login's cached user.
    from flask import g, has_app_context
    if has_app_context():
        g.pop("_login_user", None)


def demand(db, ent, title="需求", status="published", **kw) -> Demand:
    d = Demand(enterprise_id=ent.id, title=title, status=status, **kw)
    db.add(d)
    db.flush()
    return d


def capability(db, ent, title="能力", **kw) -> Capability:
    c = Capability(enterprise_id=ent.id, title=title, **kw)
    db.add(c)
    db.flush()
    return c
