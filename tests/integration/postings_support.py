"""Builders shared by the demand, capability, application, resource and opportunity tests."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.models import Notification, Qualification
from matchmaker.services.chains import store_chains
from tests.integration import helpers

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes(with_document: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def in_days(n: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=n)


def load_chains(db) -> None:
    store_chains(db, helpers.dev_chains())
    db.commit()


def member(db, size="small", region="江苏省", name=None, quals=()):
    """An enterprise with one user; ``quals`` are (name, verified) pairs."""
    ent = helpers.enterprise(db, name=name, size=size, region=region)
    for qname, verified in quals:
        ent.qualifications.append(Qualification(name=qname, canonical=normalize_qualification(qname),
                                                verified=verified))
    u = helpers.user(db, ent)
    db.commit()
    return ent, u


def notifications_of(db, user) -> list[str]:
    db.expire_all()
    return [n.text for n in db.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)]


def text(response) -> str:
    return response.get_data(as_text=True)


def login(client, user) -> None:
    """Sign ``user`` in for the next requests.

    The ``db`` fixture keeps an app context open, which the client's requests
    share, so the user Flask-Login cached on ``g`` is dropped too.
    """
    from flask import g

    helpers.login(client, user)
    g.pop("_login_user", None)


def logout(client) -> None:
    from flask import g

    with client.session_transaction() as sess:
        sess.clear()
    g.pop("_login_user", None)


def bonding_wire_world(db) -> dict:
    """A packaging buyer (large) with a published bonding-wire demand, and an SME offering bonding wire."""
    load_chains(db)
    buyer_ent, buyer = member(db, size="large", name="示范封测集团", region="江苏省")
    sme_ent, sme = member(db, size="small", name="苏州键合丝有限公司", region="江苏省")
    helpers.capability(db, sme_ent, title="镀钯铜键合丝", description="镀钯铜键合丝，线径18–25μm，用于QFN封装。",
                       chain_nodes=["icpkg.bonding-wire"], region="江苏省", active=True)
    demand = helpers.demand(db, buyer_ent, title="键合丝年度采购", description="采购镀钯铜键合丝，线径20μm。",
                            chain_nodes=["icpkg.bonding-wire"], region="江苏省", deadline=in_days(30))
    db.commit()
    return {"buyer": buyer, "buyer_ent": buyer_ent, "sme": sme, "sme_ent": sme_ent, "demand": demand}
