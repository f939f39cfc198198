"""Follow-up after a fair: intent → negotiating → signed (or ended), who may update it, reminders, pages."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from decimal import Decimal
from email import policy
from email.parser import Parser

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from matchmaker.commands.events import events as events_cli
from matchmaker.models import AuditLog, Meeting, Notification
from matchmaker.services import events as event_service
from matchmaker.services.errors import NotAllowed, NotFound
from matchmaker.services.events import day as event_day
from matchmaker.services.events import followup
from tests.integration import events_support as es
from tests.integration import helpers as h
from tests.integration.test_mail import smtp  # noqa: F401 - the SMTP server fixture

_uid = itertools.count(1)
TODAY = event_service.today()
FAIR_DAY = TODAY - dt.timedelta(days=40)


def meeting(db, event, buyer, supplier, slot="09:00", table=1) -> Meeting:
    m = Meeting(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id, slot=slot, table=table,
                uid=f"followup-{next(_uid)}@test")
    db.add(m)
    db.flush()
    return m


@pytest.fixture
def fair(db):
    """A fair held 40 days ago in Suzhou: one buyer, three suppliers, three meetings, two with an intent."""
    people = es.fair(db, buyers=1, suppliers=3, date=FAIR_DAY, status="final",
                     registration_opens=FAIR_DAY - dt.timedelta(days=20),
                     registration_closes=FAIR_DAY - dt.timedelta(days=5))
    event = people["event"]
    event.region, event.city = "江苏省", "苏州市"
    (buyer, buyer_user), = people["buyers"]
    s = people["suppliers"]
    ms = [meeting(db, event, buyer, p, slot=slot) for (p, _u), slot in zip(s, ("09:00", "09:20", "09:40"))]
    event_day.record_outcome(db, buyer_user, ms[0], True, "120", "意向采购电池片")
    event_day.record_outcome(db, s[1][1], ms[1], True, "80")
    event_day.record_outcome(db, buyer_user, ms[2], False)
    db.commit()
    people.update(buyer=buyer, buyer_user=buyer_user, s=s, meetings=ms)
    return people


def sign(db, user, m, **kw):
    values = {"contract_amount": "150", "contract_date": FAIR_DAY + dt.timedelta(days=10),
              "contract_type": "purchase"}
    values.update(kw)
    return followup.update_followup(db, user, m, "signed", **values)


# --------------------------------------------------------------------------- stages

def test_an_intent_starts_the_follow_up_and_taking_it_back_ends_only_an_open_one(db, fair):
    m0, m1, m2 = fair["meetings"]
    buyer_user = fair["buyer_user"]
    assert (m0.stage, m1.stage, m2.stage) == ("intent", "intent", None)
    assert m0.stage_updated_by_id == buyer_user.id and m0.stage_updated_at is not None
    event_day.record_outcome(db, buyer_user, m0, False)
    assert m0.stage is None and m0.intent is False
    event_day.record_outcome(db, buyer_user, m0, True, "100")
    assert m0.stage == "intent"
    followup.update_followup(db, buyer_user, m0, "negotiating")
    sign(db, buyer_user, m1)
    db.commit()
    for m in (m0, m1):
        with pytest.raises(NotAllowed) as refused:
            event_day.record_outcome(db, buyer_user, m, False)
        assert "不能撤销合作意向" in refused.value.message
        db.rollback()
    assert (m0.stage, m0.intent, m1.stage, m1.intent) == ("negotiating", True, "signed", True)
    event_day.record_outcome(db, buyer_user, m1, True, "90")  # a new amount keeps the follow-up
    assert m1.stage == "signed" and m1.contract_amount == Decimal("150.00")


def test_a_no_show_ends_an_intent_but_not_a_follow_up_under_way(db, fair):
    """A meeting that did not take place has no follow-up to remind anyone of; one already in
    negotiation or signed took place, so it cannot be marked a no-show afterwards."""
    m0, m1, _m2 = fair["meetings"]
    organiser = fair["organiser"]
    event_day.check_in(db, organiser, m0, "no_show")
    assert (m0.checkin, m0.intent, m0.stage) == ("no_show", None, None)
    followup.update_followup(db, fair["buyer_user"], m1, "negotiating")
    db.commit()
    with pytest.raises(NotAllowed):
        event_day.check_in(db, organiser, m1, "no_show")
    db.rollback()
    assert (m1.checkin, m1.stage) == ("held", "negotiating")


def test_signed_needs_amount_date_and_kind_all_reported_at_once(db, fair):
    m0 = fair["meetings"][0]
    user = fair["buyer_user"]
    with pytest.raises(followup.FieldErrors) as missing:
        followup.update_followup(db, user, m0, "signed")
    assert set(missing.value.errors) == {"contract_amount", "contract_date", "contract_type"}
    with pytest.raises(followup.FieldErrors) as bad:
        followup.update_followup(db, user, m0, "signed", contract_amount="-5",
                                 contract_date=FAIR_DAY - dt.timedelta(days=1), contract_type="gift")
    errors = bad.value.errors
    assert set(errors) == {"contract_amount", "contract_date", "contract_type"}
    assert "负数" in errors["contract_amount"][0] and "早于对接会日期" in errors["contract_date"][0]
    for amount, words in (("0", "大于零"), ("很多", "数字"), ("1e13", "过大")):
        with pytest.raises(followup.FieldErrors) as wrong:
            sign(db, user, m0, contract_amount=amount)
        assert set(wrong.value.errors) == {"contract_amount"} and words in wrong.value.errors["contract_amount"][0]
    with pytest.raises(followup.FieldErrors) as future:
        sign(db, user, m0, contract_date=(TODAY + dt.timedelta(days=1)).isoformat())
    assert "晚于今天" in future.value.errors["contract_date"][0]
    with pytest.raises(followup.FieldErrors) as ended:
        followup.update_followup(db, user, m0, "terminated", reason="  ", contract_amount="5")
    assert set(ended.value.errors) == {"reason", "contract_amount"}
    assert m0.stage == "intent" and m0.contract_amount is None
    sign(db, user, m0, contract_amount="1,234.5", contract_date=FAIR_DAY.isoformat())
    db.commit()
    assert (m0.stage, m0.contract_amount, m0.contract_date, m0.contract_type) == (
        "signed", Decimal("1234.50"), FAIR_DAY, "purchase")
    entry = db.scalars(select(AuditLog).where(AuditLog.action == "meeting.followup")).one()
    assert entry.user_id == user.id and entry.object_id == str(m0.id)
    assert entry.details["old_stage"] == "intent" and entry.details["new_stage"] == "signed"
    assert entry.details["contract_amount"] == "1234.50"


def test_sides_move_forward_organisers_correct_any_stage(db, fair):
    m0, m1, _m2 = fair["meetings"]
    supplier_user = fair["s"][0][1]
    followup.update_followup(db, supplier_user, m0, "terminated", reason="对方改用进口产品")
    assert (m0.stage, m0.stage_reason, m0.stage_updated_by_id) == ("terminated", "对方改用进口产品", supplier_user.id)
    with pytest.raises(followup.FieldErrors) as back:
        followup.update_followup(db, supplier_user, m0, "negotiating")
    assert set(back.value.errors) == {"stage"} and "组织方" in back.value.errors["stage"][0]
    owner = fair["organiser"]
    followup.update_followup(db, owner, m0, "negotiating", reason="双方重新洽谈")
    assert m0.stage == "negotiating" and m0.stage_updated_by_id == owner.id
    sign(db, fair["buyer_user"], m1)
    with pytest.raises(followup.FieldErrors) as cleared:  # contract details belong to a signed contract
        followup.update_followup(db, owner, m1, "negotiating", contract_amount="151")
    assert set(cleared.value.errors) == {"contract_amount"}
    followup.update_followup(db, owner, m1, "negotiating")
    assert (m1.stage, m1.contract_amount, m1.contract_date, m1.contract_type) == ("negotiating", None, None, None)
    db.commit()
    stages = [(e.details.get("old_stage"), e.details["new_stage"]) for e in db.scalars(
        select(AuditLog).where(AuditLog.action == "meeting.followup").order_by(AuditLog.id))]
    assert stages == [("intent", "terminated"), ("terminated", "negotiating"), ("intent", "signed"),
                      ("signed", "negotiating")]


def test_who_may_see_and_update_a_follow_up(db, fair):
    m0 = fair["meetings"][0]
    event = fair["event"]
    _other_ent, stranger = es.member(db, name="无关企业有限公司")
    other_side = fair["s"][1][1]  # a supplier of the same fair, not of this meeting
    elsewhere = h.user(db, role="organiser", organisation=event.organisation, scope_level="province",
                       scope_province="浙江省")
    same_region = h.user(db, role="organiser", organisation=event.organisation, scope_level="city",
                         scope_province="江苏省", scope_city="苏州市")
    other_bureau = es.organiser(db, organisation="另一市工业和信息化局")
    db.commit()
    for user in (stranger, other_side, elsewhere, other_bureau):
        with pytest.raises(NotFound):
            followup.meeting_for_followup(db, m0.id, user)
        with pytest.raises(NotFound):
            followup.update_followup(db, user, m0, "negotiating")
        with pytest.raises(NotFound):
            followup.funnel(db, user, event)
    assert followup.meeting_for_followup(db, m0.id, same_region) is m0
    followup.update_followup(db, same_region, m0, "negotiating")
    assert m0.stage == "negotiating"
    with pytest.raises(NotFound):  # no intent, no follow-up
        followup.meeting_for_followup(db, fair["meetings"][2].id, fair["buyer_user"])


def test_a_contract_links_only_the_buyers_own_demand_and_leaves_it_alone(db, fair):
    m0 = fair["meetings"][0]
    buyer, buyer_user = fair["buyer"], fair["buyer_user"]
    supplier_ent = fair["s"][0][0].enterprise
    mine = h.demand(db, buyer.enterprise, title="TOPCon 电池片年度采购")
    theirs = h.demand(db, supplier_ent, title="别家的需求")
    db.commit()
    with pytest.raises(followup.FieldErrors) as wrong:
        sign(db, buyer_user, m0, demand_id=theirs.id)
    assert set(wrong.value.errors) == {"demand_id"}
    with pytest.raises(followup.FieldErrors) as missing:
        sign(db, buyer_user, m0, demand_id=999999)
    assert set(missing.value.errors) == {"demand_id"}
    with pytest.raises(followup.FieldErrors) as supplier:
        sign(db, fair["s"][0][1], m0, demand_id=mine.id)
    assert set(supplier.value.errors) == {"demand_id"}
    draft = h.demand(db, buyer.enterprise, title="尚未发布的草稿", status="draft")
    db.commit()
    with pytest.raises(followup.FieldErrors) as unpublished:
        sign(db, buyer_user, m0, demand_id=draft.id)
    assert set(unpublished.value.errors) == {"demand_id"}
    assert draft not in followup.buyer_demands(db, m0) and mine in followup.buyer_demands(db, m0)
    with pytest.raises(followup.FieldErrors) as early:
        followup.update_followup(db, buyer_user, m0, "negotiating", demand_id=mine.id)
    assert set(early.value.errors) == {"demand_id"}
    sign(db, buyer_user, m0, demand_id=str(mine.id))
    db.commit()
    assert m0.demand_id == mine.id and mine.status == "published"
    sign(db, fair["s"][0][1], m0, contract_amount="160")  # the supplier corrects the amount, link kept
    assert m0.demand_id == mine.id and m0.contract_amount == Decimal("160.00")


# --------------------------------------------------------------------------- figures and reminders

def test_funnel_counts_each_stage_and_compares_amounts(db, fair):
    m0, m1, _m2 = fair["meetings"]
    buyer_user = fair["buyer_user"]
    sign(db, buyer_user, m0, contract_amount="150.5")
    followup.update_followup(db, buyer_user, m1, "terminated", reason="价格未谈拢")
    db.commit()
    figures = followup.funnel(db, fair["organiser"], fair["event"])
    assert figures == {"held": 3, "intents": 2, "negotiating": 0, "signed": 1, "terminated": 1,
                       "signed_amount": Decimal("150.50"), "intent_amount": Decimal("200.00")}


def _reminders(db) -> int:
    return db.scalar(select(func.count()).select_from(Notification).where(Notification.text.contains("跟进"))) or 0


def test_reminders_at_30_and_90_days_once_each(db, fair):
    m0, m1, _m2 = fair["meetings"]
    sign(db, fair["buyer_user"], m1)
    db.commit()
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=29)) == 0
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=30)) == 1
    db.commit()
    assert m0.reminders_sent == [30] and not m1.reminders_sent  # a signed contract needs no reminder
    notes = db.scalars(select(Notification).where(Notification.text.contains("跟进"))).all()
    assert {n.user_id for n in notes} == {fair["buyer_user"].id, fair["s"][0][1].id}
    buyer_note = next(n for n in notes if n.user_id == fair["buyer_user"].id)
    assert "30 天" in buyer_note.text and "供应商1有限公司" in buyer_note.text
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=60)) == 0
    db.commit()
    assert _reminders(db) == 2
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=95)) == 1
    db.commit()
    assert m0.reminders_sent == [30, 90] and _reminders(db) == 4
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=200)) == 0


def test_a_meeting_first_seen_after_90_days_gets_only_the_90_day_reminder(db, fair):
    m0 = fair["meetings"][0]
    fair["meetings"][1].stage = "terminated"
    fair["meetings"][1].stage_reason = "项目取消"
    db.commit()
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=95)) == 1
    db.commit()
    assert m0.reminders_sent == [90]
    assert [n for n in db.scalars(select(Notification)) if "30 天" in n.text] == []
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=96)) == 0


def test_a_fair_over_several_days_counts_from_its_last_day(db, fair):
    fair["event"].end_date = FAIR_DAY + dt.timedelta(days=2)
    db.commit()
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=31)) == 0
    assert followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=32)) == 2


def test_reminders_are_mailed_with_the_sites_address(app, db, fair, smtp):  # noqa: F811
    app.config["MATCHMAKER_BASE_URL"] = "https://match.example.cn"
    fair["meetings"][1].stage = "signed"
    db.commit()
    with app.test_request_context("/"):
        sent = followup.send_followup_reminders(db, FAIR_DAY + dt.timedelta(days=30),
                                                link_for=lambda m: f"/followups/#meeting-{m.id}")
    db.commit()
    assert sent == 1
    recipients = {fair["buyer_user"].email, fair["s"][0][1].email}
    messages = [Parser(policy=policy.default).parsestr(raw) for raw in smtp]
    assert {msg["To"] for msg in messages} == recipients
    body = messages[0].get_content()
    assert f"https://match.example.cn/followups/#meeting-{fair['meetings'][0].id}" in body
    assert "对接会洽谈跟进提醒" in str(messages[0]["Subject"])


def test_the_cli_mails_links_of_a_site_under_a_path_with_the_path_once(app, db, fair, monkeypatch, smtp):  # noqa: F811
    """A site served under a path (MATCHMAKER_BASE_URL https://fairs.example.org/matchmaker): the command
    builds its links as the site does, with the path, and the e-mail must not write the path twice."""
    monkeypatch.setattr("matchmaker.commands.events._app", lambda: app)
    app.config["MATCHMAKER_BASE_URL"] = "https://fairs.example.org/matchmaker"
    day = (FAIR_DAY + dt.timedelta(days=31)).isoformat()
    assert CliRunner().invoke(events_cli, ["remind-followups", "--today", day]).exit_code == 0
    bodies = [Parser(policy=policy.default).parsestr(raw).get_content() for raw in smtp]
    assert bodies and all("https://fairs.example.org/matchmaker/followups/" in body for body in bodies)
    assert not any("/matchmaker/matchmaker/" in body for body in bodies)


def test_cli_sends_the_reminders_and_says_how_many(app, db, fair, monkeypatch):
    monkeypatch.setattr("matchmaker.commands.events._app", lambda: app)
    day = (FAIR_DAY + dt.timedelta(days=31)).isoformat()
    result = CliRunner().invoke(events_cli, ["remind-followups", "--today", day])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 2 follow-up reminder(s)"
    db.expire_all()
    assert [m.reminders_sent for m in db.scalars(select(Meeting).order_by(Meeting.id))][:2] == [[30], [30]]
    link = db.scalars(select(Notification.link)).first()
    assert link.startswith("/followups/#meeting-")
    again = CliRunner().invoke(events_cli, ["remind-followups", "--today", day])
    assert again.output.strip() == "sent 0 follow-up reminder(s)"
    assert "remind-followups" in CliRunner().invoke(events_cli, ["--help"]).output
    assert CliRunner().invoke(events_cli, ["remind-followups", "--today", "yesterday"]).exit_code == 2


# --------------------------------------------------------------------------- pages

def _row(html: str, meeting_id: int) -> str:
    return html.split(f'id="meeting-{meeting_id}"')[1].split("</tr>")[0]


def test_member_page_lists_filters_and_updates(client, db, fair):
    m0, m1, m2 = fair["meetings"]
    supplier_user = fair["s"][0][1]
    es.as_user(client, supplier_user)
    html = client.get("/followups/").get_data(as_text=True)
    assert f'id="meeting-{m0.id}"' in html and f'id="meeting-{m1.id}"' not in html
    row = _row(html, m0.id)
    assert "采购集团1" in row and "120 万元" in row and "意向" in row
    assert 'name="demand_id"' not in row  # only the buyer links its demands
    assert "洽谈跟进" in html  # in the menu
    response = client.post(f"/followups/{m0.id}", data={"stage": "signed", "contract_amount": "-1",
                                                         "contract_date": "2000-01-01", "contract_type": "",
                                                         "next": "/followups/"})
    assert response.status_code == 400
    row = _row(response.get_data(as_text=True), m0.id)
    assert row.count('class="error"') == 3 and 'value="-1"' in row and "<details class=\"followup-form\" open>" in row
    response = client.post(f"/followups/{m0.id}", data={"stage": "negotiating", "next": "/followups/?stage=intent"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/followups/?stage=intent#meeting-{m0.id}")
    db.expire_all()
    assert db.get(Meeting, m0.id).stage == "negotiating"
    only = client.get("/followups/?stage=intent").get_data(as_text=True)
    assert f'id="meeting-{m0.id}"' not in only and "没有处于“意向”阶段的会谈" in only
    assert f'id="meeting-{m0.id}"' in client.get("/followups/?stage=negotiating").get_data(as_text=True)
    assert client.post(f"/followups/{m1.id}", data={"stage": "terminated", "reason": "x"}).status_code == 404
    assert client.post(f"/followups/{m2.id}", data={"stage": "negotiating"}).status_code == 404


def test_member_page_is_empty_before_any_intent_and_paged(client, db, fair, app):
    _ent, newcomer = es.member(db, name="新来的有限公司")
    db.commit()
    es.as_user(client, newcomer)
    html = client.get("/followups/").get_data(as_text=True)
    assert "还没有需要跟进的会谈" in html
    es.as_user(client, fair["buyer_user"])
    app.config["PER_PAGE"] = 1
    first = client.get("/followups/").get_data(as_text=True)
    assert "1 / 2" in first and first.count('class="followup-form"') == 1
    es.as_user(client, fair["organiser"])
    assert client.get("/followups/").status_code == 403  # organisers use the fair's page


def test_buyer_links_a_demand_and_both_sides_and_organisers_see_it(client, db, fair):
    m0 = fair["meetings"][0]
    mine = h.demand(db, fair["buyer"].enterprise, title="TOPCon 电池片年度采购")
    db.commit()
    es.as_user(client, fair["buyer_user"])
    row = _row(client.get("/followups/").get_data(as_text=True), m0.id)
    assert f'<option value="{mine.id}"' in row and "TOPCon 电池片年度采购" in row
    day = (FAIR_DAY + dt.timedelta(days=3)).isoformat()
    response = client.post(f"/followups/{m0.id}", data={
        "stage": "signed", "contract_amount": "150", "contract_date": day, "contract_type": "technology",
        "demand_id": str(mine.id)})
    assert response.status_code == 302
    for user in (fair["s"][0][1], fair["buyer_user"]):
        es.as_user(client, user)
        row = _row(client.get("/followups/").get_data(as_text=True), m0.id)
        assert f'href="/demands/{mine.id}"' in row and "150 万元" in row and "技术合作" in row and day in row
    es.as_user(client, fair["organiser"])
    row = _row(client.get(f"/events/{fair['event'].id}/followup").get_data(as_text=True), m0.id)
    assert f'href="/demands/{mine.id}"' in row


def test_organiser_page_funnel_correction_csv_and_access(client, db, fair):
    m0, m1, _m2 = fair["meetings"]
    event = fair["event"]
    sign(db, fair["buyer_user"], m0, contract_amount="150")
    elsewhere = h.user(db, role="organiser", organisation=event.organisation, scope_level="province",
                       scope_province="浙江省")
    other_bureau = es.organiser(db, organisation="另一市工业和信息化局")
    db.commit()
    es.as_user(client, fair["organiser"])
    dashboard = client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    assert f'href="/events/{event.id}/followup"' in dashboard
    html = client.get(f"/events/{event.id}/followup").get_data(as_text=True)
    figures = dict(re.findall(r'id="funnel-(\w+)">([^<]+)<', html))
    assert figures == {"held": "3", "intents": "2", "negotiating": "0", "signed": "1", "signed_amount": "150 万元",
                       "terminated": "0", "intent_amount": "200 万元"}
    assert f'id="meeting-{m0.id}"' in html and f'id="meeting-{m1.id}"' in html
    response = client.post(f"/events/{event.id}/followup/{m1.id}", data={"stage": "terminated", "reason": ""})
    assert response.status_code == 400 and "终止跟进时请说明原因" in _row(response.get_data(as_text=True), m1.id)
    response = client.post(f"/events/{event.id}/followup/{m1.id}",
                           data={"stage": "terminated", "reason": "供应方产能不足"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Meeting, m1.id).stage == "terminated"
    signed_only = client.get(f"/events/{event.id}/followup?stage=signed").get_data(as_text=True)
    assert f'id="meeting-{m0.id}"' in signed_only and f'id="meeting-{m1.id}"' not in signed_only
    data = client.get(f"/events/{event.id}/followup.csv")
    assert data.mimetype == "text/csv" and data.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    assert rows[0][:9] == ["采购方", "供应方", "时段", "桌号", "意向金额（万元）", "跟进阶段", "合同金额（万元）",
                           "签约日期", "合同类型"]
    by_supplier = {r[1]: r for r in rows[1:]}
    assert set(by_supplier) == {"供应商1有限公司", "供应商2有限公司"}
    signed = by_supplier["供应商1有限公司"]
    assert signed[5:9] == ["签约", "150.00", (FAIR_DAY + dt.timedelta(days=10)).isoformat(), "采购"]
    assert by_supplier["供应商2有限公司"][5] == "终止" and by_supplier["供应商2有限公司"][10] == "供应方产能不足"
    for user, status in ((elsewhere, 404), (other_bureau, 403), (fair["buyer_user"], 403)):
        es.as_user(client, user)
        assert client.get(f"/events/{event.id}/followup").status_code == status
        assert client.get(f"/events/{event.id}/followup.csv").status_code == status
        assert client.post(f"/events/{event.id}/followup/{m0.id}", data={"stage": "intent"}).status_code == status
    db.expire_all()
    assert db.get(Meeting, m0.id).stage == "signed"


def test_organiser_page_without_follow_ups(client, db):
    people = es.fair(db, buyers=1, suppliers=1, status="final")
    es.as_user(client, people["organiser"])
    html = client.get(f"/events/{people['event'].id}/followup").get_data(as_text=True)
    assert "本场还没有达成合作意向的会谈" in html and 'id="funnel-intents">0<' in html
    rows = list(csv.reader(io.StringIO(client.get(f"/events/{people['event'].id}/followup.csv")
                                       .data.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][0] == "采购方"


def test_an_old_fair_sends_no_reminders(db, fair):
    """Follow-ups of a fair long past (data from before follow-up existed) are not all reminded at once."""
    event = fair["event"]
    assert followup.send_followup_reminders(db, today=event.date + dt.timedelta(days=90 + 61)) == 0
    assert followup.send_followup_reminders(db, today=event.date + dt.timedelta(days=3 * 365)) == 0
    assert followup.send_followup_reminders(db, today=event.date + dt.timedelta(days=100)) == 2


def test_an_organiser_ends_a_signed_contract_with_the_form_as_it_was_shown(db, fair):
    """The correction form comes back with the contract on record; ending the follow-up clears it,
    while contract details typed anew for a stage without a contract are still refused."""
    m0 = fair["meetings"][0]
    sign(db, fair["buyer_user"], m0)
    db.commit()
    organiser = fair["organiser"]
    with pytest.raises(followup.FieldErrors) as typed:
        followup.update_followup(db, organiser, m0, "terminated", reason="合同解除", contract_amount="999")
    assert set(typed.value.errors) == {"contract_amount"}
    db.rollback()
    followup.update_followup(db, organiser, m0, "terminated", reason="合同解除",
                             contract_amount=str(m0.contract_amount), contract_date=m0.contract_date.isoformat(),
                             contract_type=m0.contract_type)
    assert (m0.stage, m0.contract_amount, m0.contract_date, m0.contract_type) == ("terminated", None, None, None)
