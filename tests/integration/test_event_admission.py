"""Who takes part in a fair: organisers find an organisation to register by part of its name or
its code, within their region; a fair may admit only verified organisations."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matchmaker.models import AuditLog, Event, EventParticipant, Notification
from matchmaker.services import events as event_service
from matchmaker.services.errors import NotAllowed, ServiceError
from tests.integration import events_support as es
from tests.integration import helpers as h


@pytest.fixture
def picker(db):
    """An organiser's open fair and organisations in Suzhou, Hangzhou and Wuxi to pick from."""
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    made = {
        "jinggong": h.enterprise(db, name="苏州精工科技有限公司", city="苏州"),
        "jingmi": h.enterprise(db, name="苏州精密机械有限公司", city="苏州市"),
        "ab": h.enterprise(db, name="苏州AB光电股份有限公司", city="苏州", verified=False),
        "hangzhou": h.enterprise(db, name="杭州精工电子有限公司", region="浙江省", city="杭州", size="large"),
        "wuxi": h.enterprise(db, name="无锡华光化工有限公司", city="无锡"),
    }
    db.commit()
    return {"organiser": owner, "event": event, **made}


def _search(client, event, query: str) -> str:
    response = client.get(f"/events/{event.id}/participants/add", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _candidates(html: str) -> list[str]:
    """The names offered, in the order shown."""
    if 'class="candidate-list"' not in html:
        return []
    block = html.split('class="candidate-list"', 1)[1].split("</ul>", 1)[0]
    return [part.split("</span>", 1)[0] for part in block.split('<span class="company-name">')[1:]]


def _checked(html: str) -> list[str]:
    block = html.split('class="candidate-list"', 1)[1].split("</ul>", 1)[0]
    tags = [part.split(">", 1)[0] for part in block.split("<input")[1:]]
    return [t.split('value="', 1)[1].split('"', 1)[0] for t in tags if " checked" in t]


def test_picker_finds_traditional_full_width_partial_and_misspelt_names(client, db, picker):
    event = picker["event"]
    es.as_user(client, picker["organiser"])
    assert _candidates(_search(client, event, "蘇州精工"))[0] == "苏州精工科技有限公司"  # traditional, no legal form
    assert _candidates(_search(client, event, "苏州精攻科技"))[0] == "苏州精工科技有限公司"  # a slip of the pen
    assert _candidates(_search(client, event, "ＡＢ光電"))[0] == "苏州AB光电股份有限公司"  # full width, traditional
    names = _candidates(_search(client, event, "精工"))
    assert {"苏州精工科技有限公司", "杭州精工电子有限公司"} <= set(names) and "无锡华光化工有限公司" not in names
    html = _search(client, event, "蘇州精工")
    row = html.split("苏州精工科技有限公司", 1)[1].split("</li>", 1)[0]
    assert "已核验" in row and "江苏省苏州市" in row and "小型" in row  # verification, region, kind
    ab = _search(client, event, "AB光电").split("苏州AB光电股份有限公司", 1)[1].split("</li>", 1)[0]
    assert "未核验" in ab


def test_exact_credit_code_comes_first_and_is_picked(client, db, picker):
    event, hz = picker["event"], picker["hangzhou"]
    es.as_user(client, picker["organiser"])
    for typed in (hz.uscc, hz.uscc.lower(), " ".join([hz.uscc[:6], hz.uscc[6:]])):
        html = _search(client, event, typed)
        assert _candidates(html)[0] == "杭州精工电子有限公司", typed
        assert _checked(html) == [str(hz.id)] and "信用代码相符" in html
    assert _role(html) == "buyer"  # a large enterprise usually comes to buy


def _tag(html: str, attribute: str) -> str:
    """The first ``<input …>`` tag holding ``attribute``."""
    return next(t.split(">", 1)[0] for t in html.split("<input")[1:] if attribute in t.split(">", 1)[0])


def _role(html: str) -> str | None:
    for part in html.split("<input")[1:]:
        tag = part.split(">", 1)[0]
        if 'name="role"' in tag and " checked" in tag:
            return tag.split('value="', 1)[1].split('"', 1)[0]
    return None


def test_no_match_says_so(client, db, picker):
    es.as_user(client, picker["organiser"])
    html = _search(client, picker["event"], "完全无关的名字")
    assert _candidates(html) == [] and "没有找到与“完全无关的名字”相符的单位" in html
    es.fresh(client)
    html = client.get(f"/events/{picker['event'].id}/participants/add?lang=en&q=zzzz").get_data(as_text=True)
    assert "No organisation matches “zzzz”" in html


def test_organiser_registers_the_picked_organisation(client, db, picker):
    event, ent = picker["event"], picker["jingmi"]
    member = h.user(db, ent)
    db.commit()
    es.as_user(client, picker["organiser"])
    response = client.post(f"/events/{event.id}/participants/add",
                           data={"q": "精密", "enterprise_id": str(ent.id), "role": "supplier", "unavailable": ["09:20"]})
    assert response.status_code == 302
    p = db.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id))
    assert (p.enterprise_id, p.role, p.status, p.unavailable) == (ent.id, "supplier", "approved", ["09:20"])
    (note,) = db.scalars(select(Notification).where(Notification.user_id == member.id)).all()
    assert note.link == f"/events/{event.id}"  # the organisation is told, as for every registration on its behalf
    html = _search(client, event, "苏州精密")  # now shown as registered, and not offered again
    row = html.split("苏州精密机械有限公司", 1)[1].split("</li>", 1)[0]
    assert "已报名本场" in html and "disabled" in html.split(f'value="{ent.id}"', 1)[1].split(">", 1)[0]
    assert "已通过" in row
    response = client.post(f"/events/{event.id}/participants/add", data={"q": "", "role": "supplier"})
    assert response.status_code == 400 and "请先查找并选择要报名的单位" in response.get_data(as_text=True)


def test_picker_and_registration_hold_to_the_organisers_region(client, db, picker):
    suzhou = h.user(db, role="organiser", organisation="苏州市工信局", scope_level="city",
                    scope_province="江苏省", scope_city="苏州")
    fair = es.make_event(db, suzhou, region="江苏省", city="苏州")
    db.commit()
    es.as_user(client, suzhou)
    names = _candidates(_search(client, fair, "精工"))
    assert "苏州精工科技有限公司" in names and "杭州精工电子有限公司" not in names
    assert _candidates(_search(client, fair, picker["hangzhou"].uscc)) == []
    assert "只列出您管辖范围（江苏省苏州市）内的单位" in _search(client, fair, "精工")
    assert _candidates(_search(client, fair, "无锡华光")) == []  # Wuxi is in the province, not the city
    es.fresh(client)
    response = client.post(f"/events/{fair.id}/participants/add?lang=en",
                           data={"enterprise_id": str(picker["hangzhou"].id), "role": "supplier"})
    assert response.status_code == 400 and "outside your region (江苏省苏州市)" in response.get_data(as_text=True)
    assert db.scalar(select(EventParticipant).where(EventParticipant.event_id == fair.id)) is None


def test_fair_form_sets_whether_unverified_organisations_may_register(client, db):
    owner = es.organiser(db)
    db.commit()
    es.as_user(client, owner)
    html = client.get("/events/new").get_data(as_text=True)
    assert " checked" in _tag(html, 'name="unverified_may_register"') and "只有经平台核验名称与统一社会信用代码的单位可以报名" in html
    today = event_service.today()
    form = {"name": "只收已核验单位的对接会", "date": (today + dt.timedelta(days=20)).isoformat(), "start": "09:00",
            "end": "12:00", "meeting_minutes": "20", "tables": "8", "request_expiry_hours": "48"}
    assert client.post("/events/new", data=form).status_code == 302  # the box left unticked
    event = db.scalar(select(Event))
    assert event.unverified_may_register is False
    html = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert " checked" not in _tag(html, 'name="unverified_may_register"')
    client.post(f"/events/{event.id}/edit", data={**form, "unverified_may_register": "y"})
    db.refresh(event)
    assert event.unverified_may_register is True


@pytest.fixture
def strict(db):
    """An open fair that admits only verified organisations, a verified and an unverified member."""
    owner = es.organiser(db)
    event = es.make_event(db, owner, unverified_may_register=False)
    verified, verified_user = es.member(db, name="已核验供应商有限公司")
    unverified, unverified_user = es.member(db, name="未核验供应商有限公司")
    unverified.verified = False
    db.commit()
    return {"organiser": owner, "event": event, "verified": (verified, verified_user),
            "unverified": (unverified, unverified_user)}


def test_unverified_organisation_cannot_register_itself_and_is_told_why(client, db, strict):
    event = strict["event"]
    _, unverified_user = strict["unverified"]
    es.as_user(client, unverified_user)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "本场对接会只接受经平台核验的单位报名" in page and "贵单位尚未通过核验" in page
    assert f'href="/events/{event.id}/register"' not in page and 'href="/enterprises/mine"' in page
    es.fresh(client)
    html = client.post(f"/events/{event.id}/register?lang=en", data={"role": "supplier"}).get_data(as_text=True)
    assert "This fair admits only organisations the platform has verified" in html
    assert db.scalar(select(EventParticipant)) is None
    with pytest.raises(NotAllowed):
        event_service.register(db, unverified_user, event, "supplier")
    db.rollback()
    _, verified_user = strict["verified"]
    es.as_user(client, verified_user)
    assert f'href="/events/{event.id}/register"' in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert client.post(f"/events/{event.id}/register", data={"role": "supplier"}).status_code == 302
    assert db.scalar(select(EventParticipant)).status == "pending"


def test_the_rule_is_shown_on_the_public_page_and_open_fairs_admit_everyone(client, db, strict):
    event = strict["event"]
    html = client.get(f"/events/{event.id}").get_data(as_text=True)  # anyone, before logging in
    assert "仅限经平台核验的单位" in html and 'id="admission-rule"' in html
    open_fair = es.make_event(db, strict["organiser"])
    db.commit()
    html = client.get(f"/events/{open_fair.id}").get_data(as_text=True)
    assert "已核验和未核验的单位均可报名" in html and 'id="admission-rule"' not in html
    _, unverified_user = strict["unverified"]
    es.as_user(client, unverified_user)
    assert client.post(f"/events/{open_fair.id}/register", data={"role": "supplier"}).status_code == 302


def test_organiser_registers_an_unverified_organisation_only_when_confirming(client, db, strict):
    event = strict["event"]
    unverified, _ = strict["unverified"]
    es.as_user(client, strict["organiser"])
    html = _search(client, event, "未核验供应商")
    assert "仍为未核验单位报名" in html
    response = client.post(f"/events/{event.id}/participants/add",
                           data={"q": "未核验供应商", "enterprise_id": str(unverified.id), "role": "supplier"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "本场对接会只接受经平台核验的单位报名，“未核验供应商有限公司”尚未通过核验" in html
    assert _checked(html) == [str(unverified.id)]  # the choice stays made
    assert db.scalar(select(EventParticipant)) is None
    response = client.post(f"/events/{event.id}/participants/add",
                           data={"enterprise_id": str(unverified.id), "role": "supplier", "admit_unverified": "y"})
    assert response.status_code == 302
    p = db.scalar(select(EventParticipant))
    assert (p.enterprise_id, p.status) == (unverified.id, "approved")
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "event.register"))
    assert entry.details.get("unverified_admitted") is True


def test_participants_list_shows_each_verification_state(client, db, strict):
    event = strict["event"]
    (verified, _), (unverified, _) = strict["verified"], strict["unverified"]
    one = es.participant(db, event, verified, "supplier")
    two = es.participant(db, event, unverified, "supplier", status="pending")
    db.commit()
    es.as_user(client, strict["organiser"])
    html = client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert "已核验" in html.split(f'id="participant-{one.id}"', 1)[1].split("</td>", 1)[0]
    assert "未核验" in html.split(f'id="participant-{two.id}"', 1)[1].split("</td>", 1)[0]
    assert "本场只接受已核验的单位报名" in html


def _edit_form(event, **changes) -> dict:
    """The fair's edit form as stored, with ``changes`` (a BooleanField is sent only when ticked)."""
    form = {"name": event.name, "date": event.date.isoformat(), "start": event.start, "end": event.end,
            "meeting_minutes": str(event.meeting_minutes), "tables": str(event.tables),
            "request_expiry_hours": str(event.request_expiry_hours), "venue": event.venue or "",
            "city": event.city or "", "registration_opens": event.registration_opens.isoformat(),
            "registration_closes": event.registration_closes.isoformat()}
    if event.unverified_may_register:
        form["unverified_may_register"] = "y"
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_approving_an_unverified_registration_after_the_rule_tightened_needs_the_override(client, db):
    """An unverified organisation registered while the fair admitted everyone; once the organisers
    admit only verified ones, approving it takes the same explicit, audited confirmation."""
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    unverified, unverified_user = es.member(db, name="待核验配套有限公司")
    unverified.verified = False
    db.commit()
    es.as_user(client, unverified_user)
    assert client.post(f"/events/{event.id}/register", data={"role": "supplier"}).status_code == 302
    p = db.scalar(select(EventParticipant))
    assert p.status == "pending"
    es.as_user(client, owner)
    response = client.post(f"/events/{event.id}/edit", data=_edit_form(event, unverified_may_register=None),
                           follow_redirects=True)
    db.refresh(event)
    assert event.unverified_may_register is False
    assert "仍有 1 家未核验单位的报名待审核" in response.get_data(as_text=True)  # the organiser is warned
    html = client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    row = html.split(f'id="participant-{p.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'name="admit_unverified"' in row and "仍为未核验单位报名" in row
    response = client.post(f"/events/{event.id}/participants/{p.id}/review", data={"approve": "1"},
                           follow_redirects=True)
    assert "本场对接会只接受经平台核验的单位报名，“待核验配套有限公司”尚未通过核验" in response.get_data(as_text=True)
    db.refresh(p)
    assert p.status == "pending"
    with pytest.raises(ServiceError):
        event_service.review_participant(db, owner, p, True)
    db.rollback()
    response = client.post(f"/events/{event.id}/participants/{p.id}/review",
                           data={"approve": "1", "admit_unverified": "y"})
    assert response.status_code == 302
    db.refresh(p)
    assert p.status == "approved"
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "event.review"))
    assert entry.details.get("unverified_admitted") is True and entry.details["status"] == "approved"


def test_declining_and_approving_verified_organisations_need_no_override(client, db, strict):
    event = strict["event"]
    (verified, _), (unverified, _) = strict["verified"], strict["unverified"]
    one = es.participant(db, event, verified, "supplier", status="pending")
    two = es.participant(db, event, unverified, "supplier", status="pending")
    db.commit()
    es.as_user(client, strict["organiser"])
    html = client.get(f"/events/{event.id}/participants").get_data(as_text=True)
    assert 'name="admit_unverified"' not in html.split(f'id="participant-{one.id}"', 1)[1].split("</tr>", 1)[0]
    assert client.post(f"/events/{event.id}/participants/{one.id}/review", data={"approve": "1"}).status_code == 302
    assert client.post(f"/events/{event.id}/participants/{two.id}/review", data={"approve": "0"}).status_code == 302
    db.refresh(one)
    db.refresh(two)
    assert (one.status, two.status) == ("approved", "rejected")
    assert all(e.details.get("unverified_admitted") is None
               for e in db.scalars(select(AuditLog).where(AuditLog.action == "event.review")))


@pytest.mark.parametrize("picked", ["2147483648", "0", "-1"])
def test_a_picked_organisation_beyond_any_stored_id_is_a_field_error(client, db, picker, picked):
    event = picker["event"]
    es.as_user(client, picker["organiser"])
    response = client.post(f"/events/{event.id}/participants/add",
                           data={"q": "精工", "enterprise_id": picked, "role": "supplier"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请先查找并选择要报名的单位" in html and _candidates(html)  # the choices are offered again
    assert db.scalar(select(EventParticipant)) is None


def test_an_exact_name_that_names_no_organisation_is_said_once(client, db, picker):
    """A registration by exact name or code (without picking) that finds nothing is told once, in the
    summary at the top (and by the choices, when they are shown), not flashed as well."""
    event = picker["event"]
    es.as_user(client, picker["organiser"])
    message = "找不到名称或统一社会信用代码为“不存在的企业”的企业"
    response = client.post(f"/events/{event.id}/participants/add",
                           data={"enterprise": "不存在的企业", "role": "supplier"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and html.count(message) == 1 and "flash-error" not in html
    response = client.post(f"/events/{event.id}/participants/add",
                           data={"q": "精工", "enterprise": "不存在的企业", "role": "supplier"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "flash-error" not in html
    assert html.count('class="error-summary"') == 1 and html.count(message) == 2  # the summary and the choices
    assert 'id="enterprise"' in html.split('class="candidate-list"', 1)[1]  # where the summary's link leads
    assert db.scalar(select(EventParticipant)) is None


def test_a_regional_search_uses_the_sites_name_index_kept_between_searches(client, db, picker, monkeypatch):
    """A city organiser's searches score names on the index the site keeps (built once, shared with
    national organisers), filtered by the region, rather than reading and keying every organisation
    of the region again at each search."""
    from matchmaker.services import names as name_search
    from matchmaker.services.events import admission

    for i in range(30):
        h.enterprise(db, name=f"苏州配套{i}号制造有限公司", city="苏州")
    suzhou = h.user(db, role="organiser", organisation="苏州市工信局", scope_level="city",
                    scope_province="江苏省", scope_city="苏州")
    fair = es.make_event(db, suzhou, region="江苏省", city="苏州")
    db.commit()
    built, keyed = [], []
    index = name_search._NameIndex
    monkeypatch.setattr(name_search, "_NameIndex", lambda *a: built.append(1) or index(*a))
    key = admission.name_key
    monkeypatch.setattr(admission, "name_key", lambda text: keyed.append(text) or key(text))
    es.as_user(client, suzhou)
    for typed in ("精工", "蘇州精工", "精密机械"):
        names = _candidates(_search(client, fair, typed))
        assert names and "杭州精工电子有限公司" not in names, typed
    assert len(built) == 1 and len(keyed) <= 3
