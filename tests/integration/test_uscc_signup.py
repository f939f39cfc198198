"""Credit codes on the site: sign-up refuses what GB 32100-2015 refuses; a code registered in
another province than the one declared is saved with a warning."""
from __future__ import annotations

from flask_babel import refresh
from sqlalchemy import select

from matchmaker.domain import uscc
from matchmaker.models import Enterprise, User
from tests.integration import helpers as h
from tests.integration.account_helpers import act_as
from tests.integration.test_auth import signup_data
from tests.integration.test_enterprises import edit_data

SHENZHEN = uscc.build("9", "1", "440300", "MA5G0001")


def _signed_up(db, email="wang@example.cn"):
    db.expire_all()
    return db.scalar(select(User).where(User.email == email))


def test_sign_up_refuses_a_letter_in_the_division_code(client, db):
    """GB 32100-2015 §4.3: 9132010MA1PW000100 has 'M' in position 8, though its position-18 check fits."""
    html = client.post("/register", data=signup_data("9132010MA1PW000100")).get_data(as_text=True)
    assert "统一社会信用代码无效" in html and "第3-8位登记管理机关行政区划码只能是数字" in html
    refresh()  # the db fixture's app context outlives requests; forget the cached locale
    html = client.post("/register?lang=en", data=signup_data("9132010MA1PW000100")).get_data(as_text=True)
    assert "positions 3-8 (administrative division code) must be digits; position 8 is" in html
    assert _signed_up(db) is None


def test_sign_up_refuses_a_wrong_embedded_organisation_check(client, db):
    """GB 11714-1997 §5 (GB 32100-2015 §4.4): positions 9-17 carry their own check character."""
    first17 = "9132050012345678" + ("0" if uscc.org_check_char("12345678") != "0" else "1")
    code = first17 + uscc.check_char(first17)
    html = client.post("/register", data=signup_data(code)).get_data(as_text=True)
    assert "组织机构代码校验码错误" in html and "GB 11714-1997" in html
    assert _signed_up(db) is None


def test_a_public_institution_can_sign_up_with_its_code(client, db):
    """GB 32100-2015 table 1: 12… is a 事业单位 (a university, a public hospital), now a valid code."""
    code = uscc.build("1", "2", "320500", "46600001")
    page = client.post("/register", data=signup_data(code, ent_name="苏州某某职业技术学院"))
    assert page.status_code == 302
    assert uscc.entity_kind(_signed_up(db).enterprise.uscc) == "public_institution"


def test_sign_up_in_another_province_than_the_code_warns_but_registers(client, db):
    """GB 32100-2015 §4.3: a Shenzhen (440300) code with region 江苏省 is saved, with a warning to check it."""
    page = client.post("/register", data=signup_data(SHENZHEN))
    assert page.status_code == 302
    assert _signed_up(db).enterprise.uscc == SHENZHEN
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "flash-warning" in html and "属于广东省，与所填地区江苏省不一致" in html


def test_sign_up_in_the_codes_province_has_no_warning(client, db):
    """GB 32100-2015 §4.3: a Suzhou (320500) code and region 江苏省 agree."""
    page = client.post("/register", data=signup_data(h.make_uscc(7101)))
    assert page.status_code == 302
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "flash-warning" not in html and "不一致" not in html


def test_saving_a_profile_in_another_province_warns_in_the_users_language(client, db):
    """GB 32100-2015 §4.3: the division's province (广东省) differs from the region saved (江苏省)."""
    ent = h.enterprise(db, name="深圳精工传动有限公司", region="广东省", verified=False)  # renamed below
    ent.uscc = SHENZHEN
    member = h.user(db, ent)
    db.commit()
    act_as(client, member)
    page = client.post(f"/enterprises/{ent.id}/edit", data=edit_data(region="江苏省"))
    assert page.status_code == 302
    db.expire_all()
    assert db.get(Enterprise, ent.id).region == "江苏省"
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "企业资料已更新" in html and "属于广东省，与所填地区江苏省不一致" in html
    page = client.post(f"/enterprises/{ent.id}/edit", data=edit_data(region="广东省", city="深圳"))
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "企业资料已更新" in html and "不一致" not in html
    refresh()  # the db fixture's app context outlives requests; forget the cached locale
    page = client.post(f"/enterprises/{ent.id}/edit?lang=en", data=edit_data(region="江苏省"))
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "registered in Guangdong (division 440300, positions 3-8), not in Jiangsu" in html
