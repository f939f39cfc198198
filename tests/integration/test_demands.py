"""Demands: posting, the payment rule, the lifecycle, the demand hall, and who sees what."""
from __future__ import annotations

import pytest
from flask_babel import refresh
from sqlalchemy import select

from matchmaker import create_app
from matchmaker.db import Base, get_engine
from matchmaker.domain import uscc
from matchmaker.models import Application, Demand
from matchmaker.services import demands as demand_service
from matchmaker.services.errors import ServiceError
from tests.integration import helpers
from tests.integration.postings_support import (
    in_days,
    load_chains,
    login,
    member,
    notifications_of,
    text,
)


@pytest.fixture
def chains(db):
    load_chains(db)


def _form(**overrides) -> dict:
    data = {"kind": "procurement", "title": "N型TOPCon电池片月度采购",
            "description": "组件基地外购N型TOPCon电池片，月需求约200MW。", "chain_nodes": ["pv.cell"],
            "quantity": "200", "unit": "MW", "budget": "9000", "deadline": in_days(30).isoformat(),
            "region": "江苏省", "required_qualifications": "ISO 9001；IATF 16949", "payment_days": "60",
            "acceptance_criteria": "", "ip_terms": ""}
    data.update(overrides)
    return data


def test_large_enterprise_posts_a_draft_and_publishes_it(client, db, chains):
    _ent, u = member(db, size="large")
    login(client, u)
    response = client.post("/demands/new", data=_form())
    assert response.status_code == 302
    demand = db.scalar(select(Demand))
    assert (demand.status, demand.chain_nodes, demand.required_qualifications, demand.payment_days) == (
        "draft", ["pv.cell"], ["ISO 9001", "IATF 16949"], 60)
    assert "N型TOPCon电池片月度采购" not in text(client.get("/demands/"))

    response = client.post(f"/demands/{demand.id}/status", data={"status": "published"}, follow_redirects=True)
    assert "已发布" in text(response)
    db.expire_all()
    assert demand.status == "published" and demand.published_at is not None
    assert "N型TOPCon电池片月度采购" in text(client.get("/demands/"))


def test_organisers_cannot_post_demands_and_anonymous_is_sent_to_log_in(client, db, chains):
    """Demands are an organisation's own (携手行动: any enterprise, university or institute buys);
    an organiser's account belongs to no organisation, so it posts none on the site."""
    response = client.get("/demands/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    organiser = helpers.user(db, role="organiser")
    db.commit()
    login(client, organiser)
    assert client.get("/demands/new").status_code == 403
    assert client.post("/demands/new", data=_form()).status_code == 403
    assert db.scalar(select(Demand)) is None


def test_a_draft_is_invisible_to_everyone_but_its_enterprise(client, db, chains):
    owner_ent, owner = member(db, size="large")
    _other_ent, other = member(db, size="large")
    _sme_ent, sme = member(db, size="small")
    draft = helpers.demand(db, owner_ent, title="保密的草稿需求", status="draft")
    db.commit()
    assert client.get(f"/demands/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/demands/{draft.id}").status_code == 404
    for intruder in (other, sme):
        login(client, intruder)
        assert client.get(f"/demands/{draft.id}").status_code == 404
        assert client.get(f"/api/v1/demands/{draft.id}").status_code == 404
    login(client, other)
    assert client.get(f"/demands/{draft.id}/edit").status_code == 404
    assert client.post(f"/demands/{draft.id}/edit", data=_form(title="篡改")).status_code == 404
    assert client.post(f"/demands/{draft.id}/status", data={"status": "published"}).status_code == 404
    db.expire_all()
    assert (draft.title, draft.status) == ("保密的草稿需求", "draft")
    login(client, owner)
    assert "保密的草稿需求" in text(client.get(f"/demands/{draft.id}"))


def test_a_payment_term_beyond_60_days_is_refused_naming_the_article(client, db, chains):
    """第九条第二款 of 《保障中小企业款项支付条例》 (2025): a 大型企业 pays within 60 days; more only by an
    agreement a public offer is not."""
    _ent, u = member(db, size="large")
    login(client, u)
    response = client.post("/demands/new", data=_form(payment_days="90"))
    assert response.status_code == 200
    assert "《保障中小企业款项支付条例》第九条第二款" in text(response)
    assert db.scalar(select(Demand)) is None
    refresh()  # the db fixture's app context outlives requests; forget the cached locale
    response = client.post("/demands/new?lang=en", data=_form(payment_days="120"))
    assert "breaks 《保障中小企业款项支付条例》第九条第二款" in text(response)
    assert client.post("/demands/new", data=_form(payment_days="60")).status_code == 302


# -- payment terms: 《保障中小企业款项支付条例》, 2025 text (国务院令第802号, in force 2025-06-01) ----------

REG = "《保障中小企业款项支付条例》"


def _public_institution(db):
    """A 事业单位 (GB 32100-2015 code 12…, e.g. a public hospital) that may post on the site."""
    ent, u = member(db, size="large", name="示范市第一人民医院")
    ent.uscc = uscc.build("1", "2", "320100", f"{ent.id:08d}")
    db.commit()
    return ent, u


def test_a_blank_payment_term_is_refused_for_a_large_buyer(client, db, chains):
    """第九条第二款 (2025): a 大型企业 pays SMEs within 60 days of delivery, so its public demand must
    state the term; a blank one is refused with the article, on saving and on publishing."""
    ent, u = member(db, size="large")
    login(client, u)
    response = client.post("/demands/new", data=_form(payment_days=""))
    assert response.status_code == 200
    html = text(response)
    assert f"{REG}第九条第二款" in html and "请填写付款期限" in html
    assert db.scalar(select(Demand)) is None
    draft = helpers.demand(db, ent, title="旧草稿", status="draft")
    db.commit()
    response = client.post(f"/demands/{draft.id}/status", data={"status": "published"}, follow_redirects=True)
    assert "请填写付款期限" in text(response)
    db.expire_all()
    assert draft.status == "draft"


def test_a_blank_payment_term_is_allowed_for_an_sme_buyer(db):
    """第二条 (2025): the regulation binds 机关、事业单位和大型企业; an SME buying from SMEs is outside
    it, so a blank term passes, with a note naming the scope article."""
    ent, _ = member(db, size="small")
    review = demand_service.check_payment_terms(ent, None)
    assert review.ok and [n.article for n in review.notes] == [f"{REG}第二条"]
    d = helpers.demand(db, ent, title="中小企业之间的采购", status="draft")
    db.commit()
    assert demand_service.check_payment_terms(ent, 120).ok
    rows = dict(demand_service.payment_rows(d))
    assert rows["付款期限"] == "未说明" and "不受《保障中小企业款项支付条例》付款期限约束" in rows["适用规则"]


def test_an_enterprise_of_unknown_size_is_held_to_the_large_enterprise_rule(db):
    """第三条、第九条第二款 (2025): without a size class the buyer may be a 大型企业, so the strictest
    rule that may apply is used, and the refusal says so."""
    ent, _ = member(db, size=None)
    with pytest.raises(ServiceError) as info:
        demand_service.check_payment_terms(ent, 90)
    assert f"{REG}第九条第二款" in info.value.message and "企业规模未核定" in info.value.message
    assert demand_service.check_payment_terms(ent, 60).notes[0].article == f"{REG}第三条"


def test_a_public_institution_buyer_is_refused_above_30_days(client, db, chains):
    """第九条第一款 (2025): 机关、事业单位 (whatever their headcount) pay within 30 days; 31-60 days is
    lawful only by explicit agreement, which a public offer is not, so the site refuses it and says why."""
    _ent, u = _public_institution(db)
    login(client, u)
    response = client.post("/demands/new", data=_form(payment_days="45"))
    html = text(response)
    assert f"{REG}第九条第一款" in html and "事业单位" in html and "要约" in html
    assert db.scalar(select(Demand)) is None
    response = client.post("/demands/new", data=_form(payment_days="90"))
    assert "最长不得超过60日" in text(response)
    assert client.post("/demands/new", data=_form(payment_days="30")).status_code == 302
    d = db.scalar(select(Demand))
    assert "采购方为事业单位：《保障中小企业款项支付条例》第九条第一款" in text(client.get(f"/demands/{d.id}"))


def test_acceptance_period_and_payment_term_are_added_and_explained(client, db, chains):
    """第十条 (2025): the term runs from acceptance, whose period must be clear and reasonable; the
    site caps acceptance period + term at the statutory term + 30 days and explains the sum."""
    _ent, u = member(db, size="large")
    login(client, u)
    response = client.post("/demands/new", data=_form(acceptance_days="45", payment_days="60"))
    html = text(response)
    assert f"{REG}第十条" in html
    assert "验收期限 45 天 + 付款期限 60 天 = 105 天，超过自交付起最长90天" in html
    assert db.scalar(select(Demand)) is None
    assert client.post("/demands/new", data=_form(acceptance_days="30", payment_days="60")).status_code == 302
    d = db.scalar(select(Demand))
    assert (d.acceptance_days, d.payment_days) == (30, 60)
    html = text(client.get(f"/demands/{d.id}"))
    assert "验收合格后 60 日内付款（验收须在交付后 30 日内完成）；自交付起最长 90 日" in html
    assert "逾期未验收的，付款期限自验收期限届满之日起算" in html


def test_a_third_party_condition_is_refused_ticked_or_written(client, db, chains):
    """第九条第二款 (2025): a 大型企业 may not make payment conditional on a third party's payment nor
    proportional to it (背靠背); the box and the free text are both refused with the article."""
    _ent, u = member(db, size="large")
    login(client, u)
    response = client.post("/demands/new", data=_form(third_party_condition="y"))
    assert f"{REG}第九条第二款" in text(response) and "背靠背" in text(response)
    response = client.post("/demands/new", data=_form(payment_terms="收到业主款后30日内支付"))
    assert f"{REG}第九条第二款" in text(response) and "收到业主款后" in text(response)
    refresh()
    response = client.post("/demands/new?lang=en", data=_form(payment_terms="Pay when paid."))
    assert f"breaks {REG}第九条第二款" in text(response) and "back-to-back" in text(response)
    assert db.scalar(select(Demand)) is None
    refresh()
    terms = "预付30%，验收合格后付清；本合同不设背靠背条款"
    assert client.post("/demands/new", data=_form(payment_terms=terms)).status_code == 302
    assert db.scalar(select(Demand)).payment_terms == terms


def test_payment_method_is_stored_and_shown_and_a_bill_counts_toward_the_term(client, db, chains):
    """第十一条 (2025): 商业汇票 and 应收账款电子凭证 must be agreed clearly and may not extend the term
    in disguise; the method is stored and shown, and a bill's tenor counts toward the 60 days."""
    _ent, u = member(db, size="large")
    login(client, u)
    response = client.post("/demands/new", data=_form(payment_days="30", payment_method="bill"))
    assert f"{REG}第十一条" in text(response) and "须写明其期限" in text(response)
    response = client.post("/demands/new", data=_form(payment_days="30", payment_method="bill",
                                                      instrument_days="45"))
    assert "付款期限 30 天 + 商业汇票期限 45 天 = 75 天" in text(response)
    assert db.scalar(select(Demand)) is None
    response = client.post("/demands/new", data=_form(payment_days="30", payment_method="bill",
                                                      instrument_days="30"))
    assert response.status_code == 302
    d = db.scalar(select(Demand))
    assert (d.payment_method, d.instrument_days, d.third_party_condition) == ("bill", 30, False)
    html = text(client.get(f"/demands/{d.id}"))
    assert "商业汇票，期限 30 日（计入付款期限）" in html and "中小企业可不接受非现金支付方式" in html
    client.post(f"/demands/{d.id}/edit", data=_form(payment_days="30", payment_method="cash", instrument_days="30"))
    db.expire_all()
    assert (d.payment_method, d.instrument_days) == ("cash", None)
    assert "现金或银行转账" in text(client.get(f"/demands/{d.id}"))
    client.post(f"/demands/{d.id}/status", data={"status": "published"})
    body = client.get(f"/api/v1/demands/{d.id}").get_json()
    assert (body["payment_method"], body["instrument_days"], body["payment_days"]) == ("cash", None, 30)
    assert (body["acceptance_days"], body["third_party_condition"], body["payment_terms"]) == (None, False, None)


def test_illegal_lifecycle_moves_are_refused_with_a_message(client, db, chains):
    ent, u = member(db, size="large")
    d = helpers.demand(db, ent, title="年度采购", status="draft", payment_days=60)
    db.commit()
    login(client, u)
    response = client.post(f"/demands/{d.id}/status", data={"status": "awarded"}, follow_redirects=True)
    assert "需求不能从“草稿”变为“已授标”" in text(response)
    client.post(f"/demands/{d.id}/status", data={"status": "published"})
    client.post(f"/demands/{d.id}/status", data={"status": "awarded"})
    response = client.post(f"/demands/{d.id}/status", data={"status": "published"}, follow_redirects=True)
    assert "需求不能从“已授标”变为“已发布”" in text(response)
    db.expire_all()
    assert d.status == "awarded"


def test_cancelling_needs_a_reason_which_applicants_are_told(client, db, chains):
    ent, u = member(db, size="large")
    _sme_ent, sme = member(db, size="small")
    d = helpers.demand(db, ent, title="电池片采购", status="published")
    db.commit()
    login(client, sme)
    client.post(f"/demands/{d.id}/apply", data={"proposal": "我们可按月供货。"})
    login(client, u)
    response = client.post(f"/demands/{d.id}/status", data={"status": "cancelled", "reason": ""},
                           follow_redirects=True)
    assert "取消需求须说明原因" in text(response)
    client.post(f"/demands/{d.id}/status", data={"status": "cancelled", "reason": "项目预算取消"})
    db.expire_all()
    assert (d.status, d.status_reason) == ("cancelled", "项目预算取消")
    assert any("已取消" in n and "项目预算取消" in n for n in notifications_of(db, sme))


def test_only_drafts_are_edited(client, db, chains):
    ent, u = member(db, size="large")
    d = helpers.demand(db, ent, title="已发布需求", status="published")
    db.commit()
    login(client, u)
    response = client.post(f"/demands/{d.id}/edit", data=_form(title="改过的标题"), follow_redirects=True)
    assert "只有草稿可以修改" in text(response)
    db.expire_all()
    assert d.title == "已发布需求"


def test_a_challenge_needs_acceptance_criteria_and_ip_terms_to_publish(client, db, chains):
    _ent, u = member(db, size="large")
    login(client, u)
    client.post("/demands/new", data=_form(kind="challenge", title="高效电池技术攻关"))
    d = db.scalar(select(Demand))
    response = client.post(f"/demands/{d.id}/status", data={"status": "published"}, follow_redirects=True)
    # Every missing field is named in the one answer, not one per attempt.
    assert "须写明验收标准" in text(response) and "须写明知识产权归属" in text(response)
    client.post(f"/demands/{d.id}/edit", data=_form(kind="challenge", title="高效电池技术攻关",
                                                       acceptance_criteria="转换效率≥26%", ip_terms="成果归双方共有"))
    client.post(f"/demands/{d.id}/status", data={"status": "published"})
    db.expire_all()
    assert d.status == "published"


def test_the_demand_hall_filters_and_paginates(app, client, db, chains):
    app.config["PER_PAGE"] = 2
    ent, _ = member(db, size="large", name="示范光伏集团有限公司")
    helpers.demand(db, ent, title="硅片采购", kind="procurement", region="江苏省", chain_nodes=["pv.wafer"],
                   deadline=in_days(10))
    helpers.demand(db, ent, title="键合丝揭榜", kind="challenge", region="广东省", chain_nodes=["icpkg.bonding-wire"],
                   deadline=in_days(60))
    helpers.demand(db, ent, title="拖拉机导航采购", kind="procurement", region="黑龙江省", chain_nodes=["agri.navigation"])
    helpers.demand(db, ent, title="未发布的草稿", status="draft")
    db.commit()

    def titles(query):
        html = text(client.get("/demands/" + query))
        return {t for t in ("硅片采购", "键合丝揭榜", "拖拉机导航采购", "未发布的草稿") if t in html}

    assert titles("?kind=challenge") == {"键合丝揭榜"}
    assert titles("?chain=pv") == {"硅片采购"}
    assert titles("?chain=icpkg.bonding-wire") == {"键合丝揭榜"}
    assert titles("?region=广东") == {"键合丝揭榜"}
    assert titles(f"?deadline={in_days(20).isoformat()}") == {"硅片采购"}
    assert titles("?q=导航") == {"拖拉机导航采购"}
    assert titles("?q=示范光伏") | titles("?q=示范光伏&page=2") == {"硅片采购", "键合丝揭榜", "拖拉机导航采购"}
    first, second = titles("?page=1"), titles("?page=2")
    assert len(first) == 2 and len(second) == 1 and not first & second
    assert "没有符合条件的需求" in text(client.get("/demands/?q=不存在的关键词"))


def test_the_owner_sees_suggested_suppliers_and_invites_one(client, db, chains):
    ent, u = member(db, size="large")
    sme_ent, sme = member(db, size="small", name="苏州晶片科技有限公司", quals=[("ISO 9001", True)])
    helpers.capability(db, sme_ent, title="N型TOPCon电池片", description="高效N型TOPCon电池片，月产能300MW。",
                       chain_nodes=["pv.cell"], region="江苏省", active=True)
    d = helpers.demand(db, ent, title="N型TOPCon电池片采购", description="采购N型TOPCon电池片",
                       chain_nodes=["pv.cell"], region="江苏省")
    db.commit()
    login(client, u)
    html = text(client.get(f"/demands/{d.id}"))
    assert "推荐供应商" in html and "苏州晶片科技有限公司" in html and "匹配度" in html
    assert "苏州晶片科技有限公司" not in text(client.get(f"/demands/{d.id}?size=medium"))
    assert "苏州晶片科技有限公司" not in text(client.get(f"/demands/{d.id}?qualification=IATF 16949"))
    assert "苏州晶片科技有限公司" in text(client.get(f"/demands/{d.id}?qualification=ISO9001"))

    response = client.post(f"/demands/{d.id}/invite", data={"supplier_id": sme_ent.id, "purpose": "meet"},
                           follow_redirects=True)
    assert "已通知苏州晶片科技有限公司" in text(response)
    assert any("洽谈" in n for n in notifications_of(db, sme))

    # The page shows who was invited already, and the same invitation is not offered or sent twice.
    html = text(client.get(f"/demands/{d.id}"))
    assert "已邀请洽谈" in html and 'value="meet"' not in html and 'value="apply"' in html
    before = len(notifications_of(db, sme))
    again = client.post(f"/demands/{d.id}/invite", data={"supplier_id": sme_ent.id, "purpose": "meet"},
                        follow_redirects=True)
    assert "未重复通知" in text(again) and len(notifications_of(db, sme)) == before

    login(client, sme)
    html = text(client.get(f"/demands/{d.id}"))
    assert "推荐供应商" not in html and "我要报价" in html
    # another organisation's demand: not found, so its existence as theirs is not confirmed
    assert client.post(f"/demands/{d.id}/invite", data={"supplier_id": sme_ent.id, "purpose": "apply"}).status_code == 404


def test_a_supplier_lacking_a_required_qualification_is_not_suggested(client, db, chains):
    ent, u = member(db, size="large")
    sme_ent, _ = member(db, size="small", name="无资质电池片厂")
    helpers.capability(db, sme_ent, title="TOPCon电池片", description="TOPCon电池片", chain_nodes=["pv.cell"],
                       active=True)
    d = helpers.demand(db, ent, title="TOPCon电池片采购", description="TOPCon电池片", chain_nodes=["pv.cell"],
                       required_qualifications=["IATF 16949"])
    db.commit()
    login(client, u)
    html = text(client.get(f"/demands/{d.id}"))
    assert "无资质电池片厂" not in html and "暂无合适的供应商" in html


def test_api_lists_published_demands_and_guards_suggestions(client, db, chains):
    from matchmaker.services.api_tokens import create_token

    ent, u = member(db, size="large")
    _other_ent, other = member(db, size="large")
    sme_ent, _ = member(db, size="small", name="键合丝供应商")
    helpers.capability(db, sme_ent, title="镀钯铜键合丝", description="镀钯铜键合丝", chain_nodes=["icpkg.bonding-wire"],
                       active=True)
    d = helpers.demand(db, ent, title="键合丝采购", description="镀钯铜键合丝", chain_nodes=["icpkg.bonding-wire"])
    helpers.demand(db, ent, title="草稿", status="draft")
    _, owner_token = create_token(db, u, "ci")
    _, other_token = create_token(db, other, "ci")
    db.commit()
    listing = client.get("/api/v1/demands?per_page=1").get_json()
    assert listing["total"] == 1 and listing["items"][0]["title"] == "键合丝采购"
    assert client.get(f"/api/v1/demands/{d.id}").get_json()["chain_nodes"] == ["icpkg.bonding-wire"]
    url = f"/api/v1/demands/{d.id}/suggestions"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": f"Bearer {other_token}"}).status_code == 404
    body = client.get(url, headers={"Authorization": f"Bearer {owner_token}"}).get_json()
    assert body["demand_id"] == str(d.id)
    assert body["ranked"][0]["enterprise"]["name"] == "键合丝供应商"
    assert 0 < body["ranked"][0]["score"] <= 1 and body["ranked"][0]["reasons"]


def test_posting_without_a_csrf_token_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path))
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}"})
    Base.metadata.create_all(get_engine(app))
    from matchmaker.db import get_session
    with app.app_context():
        db = get_session()
        _ent, u = member(db, size="large")
        uid = u.id
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = str(uid), True
    response = client.post("/demands/new", data=_form())
    assert response.status_code == 400
    with app.app_context():
        assert get_session().scalar(select(Demand)) is None
    get_engine(app).dispose()


def test_an_organisation_that_applied_shows_as_applied_and_is_not_invited_to_apply(client, db, chains):
    ent, u = member(db, size="large")
    sme_ent, _ = member(db, size="small", name="常州精密结构件有限公司")
    helpers.capability(db, sme_ent, title="电池包下壳体", description="铝合金电池包下壳体，搅拌摩擦焊。",
                       chain_nodes=["nev.pack"], active=True)
    d = helpers.demand(db, ent, title="电池包下壳体采购", description="采购铝合金电池包下壳体",
                       chain_nodes=["nev.pack"])
    db.add(Application(demand_id=d.id, enterprise_id=sme_ent.id, proposal="月供 2000 套", status="shortlisted"))
    db.commit()
    login(client, u)
    html = text(client.get(f"/demands/{d.id}"))
    assert "常州精密结构件有限公司" in html and "已申请" in html and 'value="apply"' not in html
    refused = client.post(f"/demands/{d.id}/invite", data={"supplier_id": sme_ent.id, "purpose": "apply"},
                          follow_redirects=True)
    assert "已提交申请，无需再邀请" in text(refused)


@pytest.mark.parametrize("value, message", [("1e309", "数值过大"), (float("1e309"), "请输入有效的数字"), ("Infinity", "请输入有效的数字"),
                                            ("NaN", "请输入有效的数字"), ("-5", "数值不能为负"),
                                            ("1e13", "数值过大")])
def test_an_unusable_amount_gets_one_message_that_says_what_is_wrong(app, value, message):
    from matchmaker.services.postings.fields import clean_amount
    with app.test_request_context("/"):
        with pytest.raises(ServiceError) as refused:
            clean_amount(value, "budget")
    assert message in refused.value.message and refused.value.field == "budget"
