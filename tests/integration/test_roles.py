"""Roles, not sizes: who may post, apply and lead a chain.

The 携手行动 notice (《关于开展“携手行动”促进大中小企业融通创新（2022—2025年）的通知》,
工信部联企业〔2022〕54号) asks enterprises of every size, universities, research
institutes and 创新联合体 to work together; the size class only decides which payment
rule binds a buyer (《保障中小企业款项支付条例》, 2025 revision, 第九条).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.domain import uscc
from matchmaker.models import Application, Demand, Enterprise, OpenResource, User
from matchmaker.services import applications as application_service
from matchmaker.services import payment_terms
from matchmaker.services.errors import ServiceError
from tests.integration import helpers
from tests.integration.postings_support import in_days, load_chains, login, member, notifications_of, text
from tests.integration.test_auth import signup_data

UNIVERSITY_CODE = uscc.build("1", "2", "320500", "46600011")
INSTITUTE_CODE = uscc.build("1", "2", "320500", "46600022")


@pytest.fixture
def chains(db):
    load_chains(db)


def _procurement(**overrides) -> dict:
    data = {"kind": "procurement", "title": "数控系统维保服务采购", "description": "五轴加工中心数控系统年度维保。",
            "chain_nodes": ["pv.cell"], "quantity": "", "unit": "", "budget": "80", "deadline": in_days(30).isoformat(),
            "region": "江苏省", "required_qualifications": "", "payment_days": "30", "acceptance_criteria": "",
            "ip_terms": ""}
    data.update(overrides)
    return data


def _apply(client, demand, **fields):
    data = {"proposal": "联合攻关：高校负责材料机理，企业负责中试。", "price": "", "capability_id": ""}
    data.update(fields)
    data["attachments"] = []
    return client.post(f"/demands/{demand.id}/apply", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def _university(db, code=UNIVERSITY_CODE, name="苏州理工大学"):
    ent = Enterprise(name=name, uscc=code, org_type="university", region="江苏省", verified=True,
                     contact={}, chains=[])
    db.add(ent)
    db.flush()
    return ent, helpers.user(db, ent)


def test_an_sme_posts_and_publishes_a_procurement_and_another_sme_answers_it(client, db, chains):
    """携手行动 (工信部联企业〔2022〕54号): SMEs buy from SMEs too; the right to post is not a size."""
    _buyer_ent, buyer = member(db, size="small", name="苏州小型整机有限公司")
    seller_ent, seller = member(db, size="micro", name="昆山微型配套有限公司")
    login(client, buyer)
    assert client.post("/demands/new", data=_procurement()).status_code == 302
    demand = db.scalar(select(Demand))
    response = client.post(f"/demands/{demand.id}/status", data={"status": "published"}, follow_redirects=True)
    assert "已发布" in text(response)
    login(client, seller)
    assert "申请已提交" in text(_apply(client, demand))
    assert db.scalar(select(Application)).enterprise_id == seller_ent.id


def test_a_small_purchasing_subsidiary_posts_and_a_large_firm_may_answer(client, db, chains):
    """携手行动: a group's purchasing subsidiary small by its own figures posts; a large firm may quote."""
    _sub_ent, sub = member(db, size="small", name="澜湾集团采购有限公司")
    large_ent, large = member(db, size="large", name="常州大型装备集团有限公司")
    demand = helpers.demand(db, _sub_ent, title="电池包壳体采购", kind="procurement", deadline=in_days(10),
                            payment_days=30)
    db.commit()
    login(client, large)
    assert "申请已提交" in text(_apply(client, demand))
    login(client, sub)
    assert client.get(f"/demands/{demand.id}/apply").status_code == 403  # its own demand


def test_an_unverified_organisation_drafts_but_cannot_publish_or_open_a_resource(client, db, chains):
    """Platform rule: what is published to every SME comes from an organisation the platform has checked."""
    ent, u = member(db, size="large", name="未核验集团有限公司")
    ent.verified = False
    db.commit()
    login(client, u)
    assert client.post("/demands/new", data=_procurement()).status_code == 302
    demand = db.scalar(select(Demand))
    page = text(client.post(f"/demands/{demand.id}/status", data={"status": "published"}, follow_redirects=True))
    assert "核验通过后才能发布" in page
    db.expire_all()
    assert demand.status == "draft"
    page = text(client.post("/resources/new", data={"kind": "equipment", "title": "三坐标测量机开放共享"},
                            follow_redirects=True))
    assert "核验通过后才能开放资源" in page
    assert db.scalar(select(OpenResource)) is None


def test_a_university_signs_up_by_its_12_code_without_a_size_class(client, db):
    """GB 32100-2015 table 1: 12… is a 事业单位; a university is not classed by the SME size standard
    (工信部联企业〔2011〕300号 classes enterprises only), so no industry figures are asked."""
    data = signup_data(UNIVERSITY_CODE, ent_name="苏州理工大学", org_type="university", industry="",
                       employees="", revenue_wan="")
    assert client.post("/register", data=data).status_code == 302
    db.expire_all()
    ent = db.scalar(select(User).where(User.email == "wang@example.cn")).enterprise
    assert (ent.org_type, ent.size, ent.size_rule) == ("university", None, None)
    page = text(client.get(f"/enterprises/{ent.id}"))
    assert "高等院校" in page and "未划型" not in page


def test_a_code_of_an_enterprise_cannot_register_as_a_university(client, db):
    """GB 32100-2015 table 1: a 91… code is an enterprise, whatever it declares; so it must give its size figures."""
    data = signup_data(helpers.make_uscc(7001), ent_name="苏州某某研究院有限公司", org_type="university",
                       industry="", employees="", revenue_wan="")
    page = text(client.post("/register", data=data))
    assert "请选择所属行业" in page
    data.update(industry="工业", employees="60", revenue_wan="3000")
    assert client.post("/register", data=data).status_code == 302
    db.expire_all()
    ent = db.scalar(select(User).where(User.email == "wang@example.cn")).enterprise
    assert (ent.org_type, ent.size) == ("enterprise", "small")


def test_a_university_leads_a_consortium_answering_a_challenge(client, db, chains):
    """携手行动: 创新联合体 answer 揭榜挂帅 challenges; registered partners are told they were named."""
    buyer_ent, buyer = member(db, size="large", name="示范整车集团")
    _uni, uni_user = _university(db)
    partner_ent, partner = member(db, size="small", name="苏州中试工艺有限公司")
    _outsider_ent, outsider = member(db, size="small", name="无关企业有限公司")
    challenge = helpers.demand(db, buyer_ent, title="固态电解质界面稳定性攻关", kind="challenge",
                               deadline=in_days(30), acceptance_criteria="循环1000次容量保持率≥90%",
                               ip_terms="双方共有")
    db.commit()
    login(client, uni_user)
    page = text(_apply(client, challenge, **{
        "partners-0-name": "苏州中试工艺有限公司", "partners-0-credit_code": partner_ent.uscc,
        "partners-0-role": "manufacturing",
        "partners-1-name": "江苏省电池检测研究院", "partners-1-credit_code": "", "partners-1-role": "testing"}))
    assert "申请已提交" in page
    application = db.scalar(select(Application))
    assert [(p["name"], p["enterprise_id"], p["role"]) for p in application.partners] == [
        ("苏州中试工艺有限公司", partner_ent.id, "manufacturing"), ("江苏省电池检测研究院", None, "testing")]
    assert [p["state"] for p in application.partners] == ["pending", "unregistered"]
    assert any("联合体成员" in n and "请确认" in n for n in notifications_of(db, partner))
    assert "联合体成员" in page and "制造单位" in page and "检测验证单位" in page and "待成员确认" in page

    # The named partner sees what it was named for (not the proposal) and confirms; the buyer sees it.
    login(client, partner)
    own = text(client.get(f"/applications/{application.id}/partnership"))
    assert "固态电解质界面稳定性攻关" in own and "高校负责材料机理" not in own
    assert client.get(f"/applications/{application.id}").status_code == 404
    page = text(client.post(f"/applications/{application.id}/partnership", data={"answer": "confirm"},
                            follow_redirects=True))
    assert "已确认参加该联合体" in page
    db.expire_all()
    assert application.partners[0]["state"] == "confirmed"
    login(client, buyer)
    assert "成员已确认" in text(client.get(f"/applications/{application.id}"))
    # anyone else: not found
    login(client, outsider)
    assert client.get(f"/applications/{application.id}/partnership").status_code == 404


def test_a_consortium_partner_with_a_bad_code_is_refused_and_nothing_is_sent(client, db, chains):
    """GB 32100-2015: a partner's credit code is checked like any other; the applicant fixes it and resends."""
    buyer_ent, _buyer = member(db, size="large", name="示范整车集团")
    _uni, uni_user = _university(db)
    challenge = helpers.demand(db, buyer_ent, title="碳化硅衬底缺陷控制", kind="challenge", deadline=in_days(30),
                               acceptance_criteria="微管密度<0.1/cm²", ip_terms="发榜方所有")
    db.commit()
    login(client, uni_user)
    page = text(_apply(client, challenge, **{"partners-0-name": "某合作企业", "partners-0-credit_code": "91320500ABC",
                                              "partners-0-role": "member"}))
    assert "第1位成员" in page and "统一社会信用代码无效" in page
    assert db.scalar(select(Application)) is None


def test_the_buyer_and_the_lead_cannot_be_named_partners(client, db, chains):
    """A 联合体 is the lead with others: naming the challenge's owner (by code or by name) or the lead
    itself is refused, every bad row reported at once."""
    buyer_ent, _buyer = member(db, size="large", name="示范整车集团")
    _uni, uni_user = _university(db)
    challenge = helpers.demand(db, buyer_ent, title="电驱系统NVH攻关", kind="challenge", deadline=in_days(30),
                               acceptance_criteria="整车噪声降低3dB", ip_terms="双方共有")
    db.commit()
    login(client, uni_user)
    page = text(_apply(client, challenge, **{
        "partners-0-name": "示范整车集团", "partners-0-role": "user",
        "partners-1-name": "苏州理工大学", "partners-1-role": "research"}))
    assert "第1位成员：发榜单位不能作为联合体成员" in page and "第2位成员：牵头单位不必列为联合体成员" in page
    assert db.scalar(select(Application)) is None


def test_an_applicant_without_a_code_names_partners_without_codes(db, chains):
    """Imported organisations may have no credit code on file; their partners need none either."""
    buyer_ent, _buyer = member(db, size="large", name="示范整车集团")
    lead = Enterprise(name="无代码研究所", uscc=None, org_type="research_institute", contact={}, chains=[],
                      verified=True)
    db.add(lead)
    challenge = helpers.demand(db, buyer_ent, title="热管理材料攻关", kind="challenge", deadline=in_days(30),
                               acceptance_criteria="导热系数≥5W/mK", ip_terms="双方共有")
    db.flush()
    application, _ = application_service.apply(db, challenge, lead, None, {"proposal": "联合攻关", "partners": [
        {"name": "某某材料厂", "credit_code": "", "role": "manufacturing"}]})
    assert [(p["name"], p["state"]) for p in application.partners] == [("某某材料厂", "unregistered")]


def test_a_procurement_is_quoted_in_ones_own_name(client, db, chains):
    """Platform rule: a consortium answers a 揭榜挂帅 challenge; a procurement quote is one supplier's."""
    buyer_ent, _buyer = member(db, size="large", name="示范封测集团")
    sme_ent, sme = member(db, size="small", name="苏州键合丝有限公司")
    demand = helpers.demand(db, buyer_ent, title="键合丝采购", kind="procurement", deadline=in_days(20))
    db.commit()
    with pytest.raises(ServiceError, match="联合体申报只适用于揭榜挂帅"):
        application_service.apply(db, demand, sme_ent, sme.id, {"proposal": "报价", "partners": [
            {"name": "某伙伴", "credit_code": "", "role": "member"}]})
    db.rollback()
    login(client, sme)
    page = text(_apply(client, demand, **{"partners-0-name": "某伙伴", "partners-0-role": "member"}))
    # the form has no partner fields for a procurement: what is sent anyway is ignored
    assert "申请已提交" in page
    assert db.scalar(select(Application)).partners == []


def test_a_university_buyer_is_held_to_the_30_day_rule(db):
    """《保障中小企业款项支付条例》(2025) 第九条第一款: 机关、事业单位 pay within 30 days of acceptance;
    a university without a recorded code is still a 事业单位 by its declared kind."""
    uni = Enterprise(name="某某大学", uscc=None, org_type="university", contact={}, chains=[])
    buyer = payment_terms.buyer_of(uni)
    assert (buyer.kind, buyer.limit_days) == ("government", 30)
    with pytest.raises(ServiceError, match="第九条第一款.*30日内付款"):
        payment_terms.check_payment_terms(uni, 60, acceptance_days=10)
    payment_terms.check_payment_terms(uni, 30, acceptance_days=10)  # within the rule: no refusal


def test_only_an_organiser_designates_a_chain_leader_and_the_badge_shows(client, db, chains):
    """链主 is a designation (携手行动: 链主企业 named by the authorities), not a size: a large firm is
    not a chain leader until an organiser designates it; members cannot designate themselves."""
    leader, member_user = member(db, size="large", name="常州澜湾新能源汽车股份有限公司")
    organiser = helpers.user(db, role="organiser")
    db.commit()
    page = text(client.get(f"/enterprises/{leader.id}"))
    assert "链主" not in page
    login(client, member_user)
    assert client.post(f"/enterprises/{leader.id}/chain-leader", data={"chains": ["pv"]}).status_code == 403
    login(client, organiser)
    page = text(client.get(f"/enterprises/{leader.id}"))
    assert "链主认定" in page
    page = text(client.post(f"/enterprises/{leader.id}/chain-leader", data={"chains": ["pv"]}, follow_redirects=True))
    db.expire_all()
    assert leader.chain_leader_of == ["pv"]
    assert "链主 · " in page
    demand = helpers.demand(db, leader, title="光伏玻璃采购", kind="procurement", deadline=in_days(5))
    db.commit()
    assert "链主 · " in text(client.get(f"/demands/{demand.id}"))


def test_an_unverified_or_non_enterprise_cannot_be_made_chain_leader(client, db, chains):
    """链主 heads a chain as an enterprise the platform has checked."""
    ent, _u = member(db, size="large", name="未核验集团有限公司")
    ent.verified = False
    uni, _uu = _university(db)
    organiser = helpers.user(db, role="organiser")
    db.commit()
    login(client, organiser)
    for target in (ent, uni):
        page = text(client.post(f"/enterprises/{target.id}/chain-leader", data={"chains": ["pv"]},
                                follow_redirects=True))
        assert "只有已核验的企业可以认定为链主" in page
    db.expire_all()
    assert not ent.chain_leader_of and not uni.chain_leader_of
    page = text(client.post(f"/enterprises/{ent.id}/chain-leader", data={"chains": ["no-such-chain"]},
                            follow_redirects=True))
    assert "未知的产业链" in page


def test_large_enterprises_are_suggested_when_they_offer_a_capability(client, db, chains):
    """Roles, not sizes: a large firm's testing centre offering a service is a supplier like any other."""
    buyer_ent, buyer = member(db, size="small", name="苏州小型整机有限公司")
    demand = helpers.demand(db, buyer_ent, title="光伏电池片可靠性检测", kind="procurement", deadline=in_days(10),
                            chain_nodes=["pv.cell"], description="光伏电池片可靠性检测 湿热 紫外",
                            payment_days=30)
    large_ent, _large = member(db, size="large", name="大型检测集团有限公司")
    helpers.capability(db, large_ent, title="光伏电池片可靠性检测", description="光伏电池片可靠性检测 湿热 紫外",
                       chain_nodes=["pv.cell"], active=True, region="江苏省")
    db.commit()
    login(client, buyer)
    assert "大型检测集团有限公司" in text(client.get(f"/demands/{demand.id}"))


def test_api_names_the_kind_of_organisation_and_its_designations(client, db, chains):
    """The JSON API tells apart a university buyer and a designated chain leader."""
    uni, _u = _university(db)
    demand = helpers.demand(db, uni, title="实验室设备维保", kind="procurement", deadline=in_days(10), payment_days=30)
    db.commit()
    body = client.get(f"/api/v1/demands/{demand.id}").get_json()
    assert body["enterprise"]["org_type"] == "university" and body["enterprise"]["chain_leader_of"] == []


def test_an_import_tells_universities_and_institutes_from_enterprises(db, tmp_path):
    """GB 32100-2015 table 1 (12… 事业单位) decides the kind; without a code a name such as 某某大学 does,
    and 某某研究院有限公司 stays a company. Only enterprises get a size class (工信部联企业〔2011〕300号)."""
    import csv

    from matchmaker.services.imports import run_import

    path = tmp_path / "orgs.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["单位名称", "统一社会信用代码", "地区", "行业", "从业人员", "营业收入"])
        writer.writerow(["苏州理工大学", UNIVERSITY_CODE, "江苏省", "工业", "3000", "100000"])
        writer.writerow(["江苏省先进材料研究院", "", "江苏省", "", "", ""])
        writer.writerow(["苏州先进材料研究院有限公司", "", "江苏省", "工业", "80", "5000万"])
    result = run_import(db, "enterprises", path)
    db.commit()
    assert result.problems == []
    kinds = {e.name: (e.org_type, e.size) for e in db.scalars(select(Enterprise))}
    assert kinds == {"苏州理工大学": ("university", None), "江苏省先进材料研究院": ("research_institute", None),
                     "苏州先进材料研究院有限公司": ("enterprise", "small")}
    # a later file that adds the institute's 12… code keeps it an institute, still without a size class
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["单位名称", "统一社会信用代码", "地区", "行业", "从业人员", "营业收入"])
        writer.writerow(["江苏省先进材料研究院", INSTITUTE_CODE, "江苏省", "工业", "500", "20000"])
    run_import(db, "enterprises", path)
    db.commit()
    institute = db.scalar(select(Enterprise).where(Enterprise.name == "江苏省先进材料研究院"))
    assert (institute.uscc, institute.org_type, institute.size) == (INSTITUTE_CODE, "research_institute", None)


def test_the_directory_filters_by_kind_of_organisation(client, db):
    """Bureaus look for the universities and institutes that can answer a challenge (携手行动: 产学研)."""
    _university(db)
    member(db, size="small", name="苏州小型整机有限公司")
    db.commit()
    page = text(client.get("/enterprises/?org_type=university"))
    assert "苏州理工大学" in page and "苏州小型整机有限公司" not in page
    page = text(client.get("/enterprises/?org_type=enterprise"))
    assert "苏州小型整机有限公司" in page and "苏州理工大学" not in page
    assert "苏州理工大学" in text(client.get("/enterprises/?org_type=nonsense"))  # an unknown kind filters nothing
