"""我的商机 and suggested suppliers: ranked with reasons, and kept current as postings change."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.models import Application, Capability, Demand, Qualification
from matchmaker.services.records import capability_record
from tests.integration import helpers
from tests.integration.postings_support import (
    bonding_wire_world,
    login,
    logout,
    member,
    text,
)


@pytest.fixture
def world(db):
    world = bonding_wire_world(db)
    helpers.demand(db, world["buyer_ent"], title="拖拉机北斗导航终端", description="大马力拖拉机自动驾驶终端。",
                   chain_nodes=["agri.navigation"], region="黑龙江省")
    db.commit()
    return world


def test_an_sme_sees_matching_demands_with_reasons(client, db, world):
    login(client, world["sme"])
    html = text(client.get("/opportunities/"))
    assert "键合丝年度采购" in html and "共同关键词" in html and "键合丝" in html
    assert "拖拉机北斗导航终端" not in html


def test_opportunities_follow_a_newly_published_demand(client, db, world):
    login(client, world["sme"])
    assert "键合丝进口替代攻关" not in text(client.get("/opportunities/"))
    login(client, world["buyer"])
    client.post("/demands/new", data={
        "kind": "challenge", "title": "键合丝进口替代攻关", "description": "高可靠镀钯铜键合丝国产化。",
        "chain_nodes": ["icpkg.bonding-wire"], "region": "江苏省", "payment_days": "30",
        "acceptance_criteria": "通过AEC-Q006", "ip_terms": "成果归揭榜方所有"})
    demand = db.scalar(select(Demand).where(Demand.title == "键合丝进口替代攻关"))
    login(client, world["sme"])
    assert "键合丝进口替代攻关" not in text(client.get("/opportunities/")), "drafts are not opportunities"
    login(client, world["buyer"])
    client.post(f"/demands/{demand.id}/status", data={"status": "published"})
    login(client, world["sme"])
    html = text(client.get("/opportunities/"))
    assert "键合丝进口替代攻关" in html and "键合丝年度采购" in html
    assert "键合丝进口替代攻关" in text(client.get("/opportunities/?kind=challenge"))
    assert "键合丝年度采购" not in text(client.get("/opportunities/?kind=challenge"))
    assert "键合丝年度采购" not in text(client.get("/opportunities/?region=广东"))
    assert "键合丝年度采购" in text(client.get("/opportunities/?chain=icpkg&q=年度"))


def test_suggestions_follow_capabilities_being_unlisted(client, db, world):
    demand = db.scalar(select(Demand).where(Demand.title == "键合丝年度采购"))
    capability = db.scalar(select(Capability))
    login(client, world["buyer"])
    assert "苏州键合丝有限公司" in text(client.get(f"/demands/{demand.id}"))
    login(client, world["sme"])
    client.post(f"/capabilities/{capability.id}/active", data={"active": "0"})
    login(client, world["buyer"])
    assert "苏州键合丝有限公司" not in text(client.get(f"/demands/{demand.id}"))
    login(client, world["sme"])
    assert "您还没有在展的能力" in text(client.get("/opportunities/"))


def test_an_sme_without_capabilities_is_told_what_to_do(client, db, world):
    _ent, newcomer = member(db, size="micro")
    login(client, newcomer)
    html = text(client.get("/opportunities/"))
    assert "您还没有在展的能力" in html and "/capabilities/new" in html


def test_who_may_open_the_opportunities_page(client, db, world):
    response = client.get("/opportunities/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, world["buyer"])
    # any organisation sees what it could supply; a buyer without capabilities is told how to get some
    assert client.get("/opportunities/").status_code == 200
    organiser = helpers.user(db, role="organiser")
    db.commit()
    login(client, organiser)
    assert client.get("/opportunities/").status_code == 403
    logout(client)


def test_open_resources_on_the_smes_chain_nodes_are_listed(client, db, world):
    login(client, world["buyer"])
    client.post("/resources/new", data={"kind": "equipment", "title": "封装可靠性实验室",
                                        "chain_nodes": ["icpkg.osat"], "region": "江苏省"})
    client.post("/resources/new", data={"kind": "test_site", "title": "农机试验田", "chain_nodes": ["agri.tractor"]})
    login(client, world["sme"])
    html = text(client.get("/opportunities/"))
    assert "封装可靠性实验室" in html and "上下游环节" in html
    assert "农机试验田" not in html


def test_a_capability_counts_verified_enterprise_qualifications_and_its_own(db, world):
    ent = world["sme_ent"]
    ent.qualifications.append(Qualification(name="ISO 9001", canonical="ISO 9001", verified=True))
    ent.qualifications.append(Qualification(name="IATF 16949", canonical="IATF 16949", verified=False))
    ent.qualifications.append(Qualification(name="专精特新", canonical="专精特新", verified=False))
    cap = Capability(enterprise_id=ent.id, title="键合丝", qualifications=["专精特新"], active=True)
    db.add(cap)
    db.commit()
    assert sorted(capability_record(cap)["qualifications"]) == ["ISO 9001", "专精特新"]


def test_a_capability_without_indexable_text_breaks_no_page(client, db, world):
    """A capability titled "—" with no description once broke matching platform-wide."""
    other_ent, _ = member(db, size="small", name="空白能力有限公司", region="江苏省")
    helpers.capability(db, other_ent, title="—", description="", region="江苏省", active=True)
    db.commit()
    login(client, world["sme"])
    page = client.get("/opportunities/")
    assert page.status_code == 200 and "键合丝年度采购" in text(page)
    logout(client)
    login(client, world["buyer"])
    demand = db.scalar(select(Demand).where(Demand.title == "键合丝年度采购"))
    page = client.get(f"/demands/{demand.id}")
    assert page.status_code == 200
    html = text(page)
    assert "苏州键合丝有限公司" in html and "匹配度" in html
    assert "空白能力有限公司" not in html


def test_pages_of_opportunities_hold_every_match_once_with_its_reasons(client, db, world, app):
    """我的商机 ranks everything and explains only the page shown: the pages together list each
    matching demand once, in score order, each with its reasons."""
    for n in range(25):
        helpers.demand(db, world["buyer_ent"], title=f"键合丝采购第{n}批", description=f"镀钯铜键合丝 第{n}批 QFN封装",
                       chain_nodes=["icpkg.bonding-wire"], region="江苏省")
    db.commit()
    app.config["PER_PAGE"] = 10
    login(client, world["sme"])
    from matchmaker.services import matching

    db.expire_all()
    sme = db.get(type(world["sme"]), world["sme"].id).enterprise
    pages = [matching.opportunities_for(db, sme, page=n, per_page=10) for n in (1, 2, 3, 4)]
    ids = [o.demand.id for p in pages for o in p.items]
    assert pages[0].total == len(ids) >= 26 and len(set(ids)) == len(ids)
    scores = [o.score for p in pages for o in p.items]
    assert scores == sorted(scores, reverse=True)
    assert all(o.reasons for p in pages for o in p.items)
    assert "键合丝采购第" in text(client.get("/opportunities/?page=2"))


def test_a_demand_already_applied_to_says_so_and_leads_to_the_application(client, db, world):
    """我的商机 keeps ranking a demand the organisation has applied to, marked 已申请 with the
    application's state and a link to it, so that the SME does not take it for a new lead."""
    login(client, world["sme"])
    page = text(client.get("/opportunities/"))
    assert "键合丝年度采购" in page and "已申请" not in page
    demand = world["demand"]
    client.post(f"/demands/{demand.id}/apply", data={"proposal": "可按要求供货，交期四周。"})
    application = db.scalar(select(Application).where(Application.demand_id == demand.id))
    assert application is not None, "the application was sent"
    html = client.get("/opportunities/").get_data(as_text=True)
    card = html[html.index(f'data-demand-id="{demand.id}"'):]
    card = card[:card.index("</li>")]
    assert "已申请 · 已提交" in card and f'href="/applications/{application.id}"' in card
    assert client.get(f"/applications/{application.id}").status_code == 200
