"""Enterprise profiles: the public page, editing by members only, qualification claims."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from matchmaker.models import AuditLog, Qualification
from tests.integration import helpers as h
from tests.integration.account_helpers import act_as


def edit_data(**overrides):
    data = {"ent_name": "苏州精工传动科技有限公司", "industry": "工业", "employees": "120", "revenue_wan": "1500",
            "assets_wan": "", "region": "江苏省", "city": "苏州", "description": "精密减速器与伺服传动",
            "contact_person": "王经理", "contact_phone": "0512-1234567", "contact_email": "sales@example.cn"}
    data.update(overrides)
    return data


def test_public_profile_shows_size_rule_qualifications_capabilities_and_open_demands(client, db):
    ent = h.enterprise(db, name="无锡华光精密轴承有限公司", size="small", region="江苏省", industry="工业",
                       size_rule="《中小企业划型标准规定》工业：本企业从业人员80人，为小型企业",
                       contact={"person": "赵工", "phone": "0510-7654321"})
    db.add_all([Qualification(enterprise_id=ent.id, name="ISO 9001", canonical="ISO 9001", verified=True),
                Qualification(enterprise_id=ent.id, name="IATF 16949", canonical="IATF 16949", verified=False)])
    h.capability(db, ent, title="高精度角接触球轴承加工")
    h.capability(db, ent, title="停用的旧能力", active=False)
    h.demand(db, ent, title="轴承钢棒材年度采购", status="published")
    h.demand(db, ent, title="内部草稿需求", status="draft")
    db.commit()
    html = client.get(f"/enterprises/{ent.id}").get_data(as_text=True)
    assert "无锡华光精密轴承有限公司" in html and "小型企业" in html
    assert "本企业从业人员80人，为小型企业" in html
    iso, iatf = html.index("ISO 9001"), html.index("IATF 16949")
    assert "平台已核验" in html[iso:iatf] and "企业自述，待核验" in html[iatf:]
    assert "高精度角接触球轴承加工" in html and "停用的旧能力" not in html
    assert "轴承钢棒材年度采购" in html and "内部草稿需求" not in html
    assert "0510-7654321" not in html  # contact details only for signed-in users
    assert "编辑资料" not in html
    assert client.get("/enterprises/999999").status_code == 404


def test_members_edit_their_enterprise_and_the_size_is_recomputed(client, db):
    ent = h.enterprise(db, name="苏州精工传动有限公司", size="small", verified=True)
    member = h.user(db, ent)
    db.commit()
    act_as(client, member)
    assert "编辑资料" in client.get(f"/enterprises/{ent.id}").get_data(as_text=True)
    page = client.post(f"/enterprises/{ent.id}/edit", data=edit_data(employees="1200", revenue_wan="50000",
                                                                     confirm_rename="y"))
    assert page.status_code == 302
    db.refresh(ent)
    assert ent.name == "苏州精工传动科技有限公司" and ent.size == "large" and "为大型企业" in ent.size_rule
    assert ent.contact == {"person": "王经理", "phone": "0512-1234567", "email": "sales@example.cn"}
    assert not ent.verified and ent.verified_name == "苏州精工传动有限公司"  # a new name must be checked again
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "enterprise.update"))
    assert entry.user_id == member.id and entry.details["renamed_from"] == "苏州精工传动有限公司"


def test_editing_explains_a_missing_figure(client, db):
    ent = h.enterprise(db)
    act_as(client, h.user(db, ent))
    db.commit()
    html = client.post(f"/enterprises/{ent.id}/edit",
                       data=edit_data(industry="建筑业", revenue_wan="900")).get_data(as_text=True)
    assert "建筑业按营业收入、资产总额划型，请填写资产总额" in html


def test_only_members_edit_an_enterprise(client, db):
    ent = h.enterprise(db, name="常州恒力液压件有限公司")
    qual = Qualification(enterprise_id=ent.id, name="ISO 9001", canonical="ISO 9001")
    db.add(qual)
    outsider = h.user(db, h.enterprise(db))
    organiser = h.user(db, role="organiser")
    db.commit()
    assert client.get(f"/enterprises/{ent.id}/edit").status_code == 302  # anonymous: log in first
    for who in (outsider, organiser):
        act_as(client, who)
        assert client.get(f"/enterprises/{ent.id}/edit").status_code == 403
        assert client.post(f"/enterprises/{ent.id}/edit", data=edit_data()).status_code == 403
        assert client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "CE"}).status_code == 403
        assert client.post(f"/enterprises/{ent.id}/qualifications/{qual.id}/delete").status_code == 403
        assert client.get(f"/enterprises/{ent.id}/members").status_code == 403
    db.refresh(ent)
    assert ent.name == "常州恒力液压件有限公司" and [q.name for q in ent.qualifications] == ["ISO 9001"]


def test_a_member_cannot_delete_another_enterprises_qualification_through_their_own_url(client, db):
    mine, theirs = h.enterprise(db), h.enterprise(db)
    qual = Qualification(enterprise_id=theirs.id, name="ISO 9001", canonical="ISO 9001")
    db.add(qual)
    act_as(client, h.user(db, mine))
    db.commit()
    assert client.post(f"/enterprises/{mine.id}/qualifications/{qual.id}/delete").status_code == 404
    assert db.get(Qualification, qual.id) is not None


def test_qualification_claims_are_normalised_and_stay_claims(client, db):
    ent = h.enterprise(db)
    member = h.user(db, ent)
    db.commit()
    act_as(client, member)
    until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "iso-9001：2015", "certificate_no": "CN-1",
                                                               "valid_until": until})
    qual = db.scalar(select(Qualification).where(Qualification.enterprise_id == ent.id))
    assert qual.canonical == "ISO 9001:2015" and not qual.verified and qual.certificate_no == "CN-1"
    page = client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "ISO9001"}, follow_redirects=True)
    assert "已登记该资质" in page.get_data(as_text=True)
    page = client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "CE", "valid_until": "2001-01-01"},
                       follow_redirects=True)
    assert "有效期已过" in page.get_data(as_text=True)
    assert len(db.scalars(select(Qualification).where(Qualification.enterprise_id == ent.id)).all()) == 1
    assert db.scalar(select(AuditLog).where(AuditLog.action == "qualification.claim")).user_id == member.id
    client.post(f"/enterprises/{ent.id}/qualifications/{qual.id}/delete")
    db.expire_all()
    assert db.get(Qualification, qual.id) is None


def test_directory_filters_by_region_and_size(client, db):
    h.enterprise(db, name="杭州云帆软件有限公司", region="浙江省", size="micro")
    h.enterprise(db, name="南京钢联重工集团", region="江苏省", size="large")
    db.commit()
    html = client.get("/enterprises/?region=浙江省").get_data(as_text=True)
    assert "杭州云帆软件有限公司" in html and "南京钢联重工集团" not in html
    html = client.get("/enterprises/?size=large").get_data(as_text=True)
    assert "南京钢联重工集团" in html and "杭州云帆软件有限公司" not in html
    assert "没有符合条件的企业" in client.get("/enterprises/?region=西藏自治区").get_data(as_text=True)


def test_the_edit_form_offers_imported_values_in_canonical_form(client, db):
    ent = h.enterprise(db, industry="制造业", region="广东")
    act_as(client, h.user(db, ent))
    db.commit()
    html = client.get(f"/enterprises/{ent.id}/edit").get_data(as_text=True)
    assert '<option selected value="工业">' in html and '<option selected value="广东省">' in html
