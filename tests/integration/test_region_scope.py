"""Organisers limited to a region see, manage and export only the enterprises and fairs located in it.

The data lie in two provinces (江苏, 浙江) and in two cities of 江苏 (苏州 with its
districts 工业园区 and 吴中区, and 南京). One organisation runs every fair, so
only the region tells its organisers apart. Public pages stay as an anonymous
visitor sees them.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from flask import g
from sqlalchemy import select

from matchmaker.models import AuditLog, Event, EventParticipant, User
from matchmaker.services import api_tokens
from matchmaker.services import events as event_service
from matchmaker.services.errors import ServiceError
from tests.integration import events_support as es
from tests.integration import helpers as h

ORG = "长三角工信联合办公室"
#: key: (province, city, district) of the enterprises and fairs of each place.
PLACES = {"yq": ("江苏省", "苏州市", "工业园区"), "wz": ("江苏省", "苏州", "吴中区"),
          "nj": ("江苏省", "南京市", None), "hz": ("浙江省", "杭州市", None)}
ENTERPRISES = {"yq": ("园区甲精密制造有限公司", "园区乙传感科技有限公司"),
               "wz": ("吴中丙汽车部件有限公司", "吴中丁模具有限公司"),
               "nj": ("金陵戊新材料有限公司", "金陵己电子有限公司"),
               "hz": ("钱塘庚智能装备有限公司", "钱塘辛软件有限公司")}
FAIRS = {"yq": "园区春季供需对接会", "wz": "吴中汽车零部件对接会", "nj": "南京新材料对接会", "hz": "杭州智能装备对接会"}
NO_REGION_FAIR = "未标注地区的对接会"
PUBLIC_FAIR = "钱塘公开对接会"
#: The places each organiser answers for.
SEES = {"province": {"yq", "wz", "nj"}, "city": {"yq", "wz"}, "district": {"yq"},
        "national": set(PLACES), "admin": set(PLACES)}
SCOPES = {"province": ("province", "江苏", None, None), "city": ("city", "江苏省", "苏州", None),
          "district": ("district", "江苏省", "苏州市", "工业园区"), "national": ("national", None, None, None)}
LABELS = {"province": "江苏省", "city": "江苏省苏州市", "district": "江苏省苏州市工业园区"}


def _as(client, user):
    es.as_user(client, user)


def _en(client, url, data) -> str:
    """The English page a form post answers (the shared ``g`` forgets the language of earlier requests)."""
    g.pop("_flask_babel", None)
    html = client.post(url + "?lang=en", data=data).get_data(as_text=True)
    es.fresh(client)
    return html


@pytest.fixture
def world(db):
    today = event_service.today()
    owner = es.organiser(db, organisation=ORG)
    people = {"owner": owner, "enterprises": {}, "fairs": {}, "participants": {}}
    for who, (level, province, city, district) in SCOPES.items():
        people[who] = h.user(db, role="organiser", organisation=ORG, scope_level=level, scope_province=province,
                             scope_city=city, scope_district=district)
    people["admin"] = h.user(db, role="admin")
    for key, (province, city, district) in PLACES.items():
        ents = []
        for i, name in enumerate(ENTERPRISES[key]):
            ent = h.enterprise(db, name=name, size="large" if i == 0 else "small", region=province, city=city,
                               district=district, contact={"person": f"{name[:2]}联系人", "phone": "0512-66668888"})
            h.demand(db, ent, title=f"{name}的采购需求")
            h.capability(db, ent, title=f"{name}的加工能力")
            ents.append(ent)
        people["enterprises"][key] = ents
        fair = event_service.create_event(db, owner, event_service.EventData(
            name=FAIRS[key], date=today + dt.timedelta(days=20), start="09:00", end="10:00", tables=2,
            region=province, city=city, district=district))
        people["fairs"][key] = fair
        people["participants"][key] = [es.participant(db, fair, ents[0], "buyer"),
                                       es.participant(db, fair, ents[1], "supplier")]
    people["no_region"] = event_service.create_event(db, owner, event_service.EventData(
        name=NO_REGION_FAIR, date=today + dt.timedelta(days=20), start="09:00", end="10:00", city="苏州"))
    public = event_service.create_event(db, owner, event_service.EventData(
        name=PUBLIC_FAIR, date=today + dt.timedelta(days=30), start="09:00", end="10:00", region="浙江", city="杭州"))
    public.status = "open"
    people["public"] = public
    db.commit()
    return people


def _names(keys) -> set[str]:
    return {name for key in keys for name in ENTERPRISES[key]}


def _fairs(keys) -> set[str]:
    return {FAIRS[key] for key in keys}


def _check(text: str, shown: set[str], hidden: set[str], where: str) -> None:
    for name in shown:
        assert name in text, (where, "missing", name)
    for name in hidden:
        assert name not in text, (where, "leaks", name)


WHO = ("province", "city", "district", "national", "admin")


@pytest.mark.parametrize("who", WHO)
def test_fair_pages_and_exports_hold_only_the_region(client, db, world, who):
    user = world[who]
    seen = SEES[who]
    _as(client, user)
    # The list of fairs: drafts only of the region (fairs open to all stay listed).
    listing = client.get("/events/").get_data(as_text=True)
    _check(listing, _fairs(seen) | {PUBLIC_FAIR}, _fairs(set(PLACES) - seen), f"{who} /events/")
    assert (NO_REGION_FAIR in listing) == (who in ("national", "admin"))
    for key, fair in world["fairs"].items():
        pid = world["participants"][key][0].id
        urls = [f"/events/{fair.id}", f"/events/{fair.id}/edit", f"/events/{fair.id}/participants",
                f"/events/{fair.id}/participants/add", f"/events/{fair.id}/manage/requests",
                f"/events/{fair.id}/schedule", f"/events/{fair.id}/checkin", f"/events/{fair.id}/dashboard",
                f"/events/{fair.id}/signin", f"/events/{fair.id}/export.xlsx",
                f"/events/{fair.id}/participants/{pid}/requests", f"/events/{fair.id}/agenda/{pid}",
                f"/events/{fair.id}/participants/{pid}/availability"]
        for url in urls:
            response = client.get(url)
            if key in seen:
                assert response.status_code == 200, (who, url, response.status_code)
                if response.mimetype == "text/html":
                    _check(response.get_data(as_text=True), set(), _names(set(PLACES) - seen) |
                           _fairs(set(PLACES) - seen), f"{who} {url}")
            else:
                assert response.status_code in (403, 404), (who, url, response.status_code)
        for url, data in ((f"/events/{fair.id}/status", {"status": "open"}),
                          (f"/events/{fair.id}/participants/{pid}/review", {"approve": "0"}),
                          (f"/events/{fair.id}/participants/{pid}/table", {"table": "1"})):
            if key not in seen:
                assert client.post(url, data=data).status_code in (403, 404), (who, url)
    db.expire_all()
    assert all(f.status == "draft" for f in db.scalars(select(Event).where(Event.id.in_(
        [f.id for k, f in world["fairs"].items() if k not in seen]))))
    # Exports: the enterprises of the region and their postings only.
    for kind in ("enterprises", "demands", "capabilities"):
        response = client.get(f"/exports/{kind}.jsonl")
        assert response.status_code == 200
        rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
        names = {row.get("name") or row.get("enterprise") for row in rows}
        assert names == _names(seen), (who, kind, names)
    # The participant import offers the fairs the organiser manages.
    imports = client.get("/imports/?kind=participants").get_data(as_text=True)
    _check(imports, _fairs(seen), _fairs(set(PLACES) - seen), f"{who} /imports/")


@pytest.mark.parametrize("who", WHO)
def test_api_answers_within_the_region(client, db, world, who):
    user = world[who]
    seen = SEES[who]
    _token, raw = api_tokens.create_token(db, user, "scope")
    db.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    listing = client.get("/api/v1/events?per_page=100", headers=headers).get_json()
    names = {item["name"] for item in listing["items"]}
    assert names >= _fairs(seen) | {PUBLIC_FAIR} and not names & _fairs(set(PLACES) - seen), (who, names)
    for key, fair in world["fairs"].items():
        pid = world["participants"][key][0].id
        got = client.get(f"/api/v1/events/{fair.id}", headers=headers)
        agenda = client.get(f"/api/v1/events/{fair.id}/agenda?participant={pid}", headers=headers)
        expected = 200 if key in seen else 404
        assert (got.status_code, agenda.status_code) == (expected, expected), (who, key)
        if key in seen:
            assert got.get_json()["region"] == PLACES[key][0]
    me = client.get("/api/v1/me", headers=headers).get_json()
    if who == "admin":
        assert me["scope"] is None
    else:
        assert me["scope"]["level"] == who and me["scope"]["label"] == LABELS.get(who, "全国")


def test_public_pages_stay_public(client, db, world):
    for who in (None, world["district"]):
        _as(client, who)
        public = world["public"]
        page = client.get(f"/events/{public.id}").get_data(as_text=True)
        assert PUBLIC_FAIR in page and "浙江省杭州市" in page
        # The public directory: what anyone sees (a regional organiser widens its default view to it).
        directory = client.get("/enterprises/?within=all&per_page=100").get_data(as_text=True)
        for name in _names(PLACES):
            assert name in directory
        hz = world["enterprises"]["hz"][0]
        assert client.get(f"/enterprises/{hz.id}").status_code == 200
    # A fair open to all, but run outside the district, is not the district organiser's to manage.
    assert client.get(f"/events/{world['public'].id}/participants").status_code == 403
    assert client.post(f"/events/{world['public'].id}/status", data={"status": "closed"}).status_code == 403


def test_chain_leader_designation_only_in_the_region(client, db, world):
    _as(client, world["city"])
    inside, outside = world["enterprises"]["wz"][0], world["enterprises"]["nj"][0]
    assert 'id="chain-leader"' in client.get(f"/enterprises/{inside.id}").get_data(as_text=True)
    assert 'id="chain-leader"' not in client.get(f"/enterprises/{outside.id}").get_data(as_text=True)
    assert client.post(f"/enterprises/{outside.id}/chain-leader", data={"chains": []}).status_code == 403
    response = client.post(f"/enterprises/{inside.id}/chain-leader", data={"chains": []})
    assert response.status_code == 302
    _as(client, world["province"])
    assert client.post(f"/enterprises/{world['enterprises']['hz'][0].id}/chain-leader",
                       data={"chains": []}).status_code == 403


def test_registration_on_behalf_only_of_enterprises_in_the_region(client, db, world):
    _as(client, world["city"])
    fair = world["fairs"]["yq"]
    outside, inside = world["enterprises"]["nj"][1], world["enterprises"]["wz"][1]
    html = _en(client, f"/events/{fair.id}/participants/add", {"enterprise": outside.uscc, "role": "supplier"})
    assert "in your region (江苏省苏州市)" in html
    assert db.scalar(select(EventParticipant).where(EventParticipant.event_id == fair.id,
                                                    EventParticipant.enterprise_id == outside.id)) is None
    response = client.post(f"/events/{fair.id}/participants/add", data={"enterprise": inside.name,
                                                                       "role": "supplier"})
    assert response.status_code == 302
    assert db.scalar(select(EventParticipant).where(EventParticipant.event_id == fair.id,
                                                    EventParticipant.enterprise_id == inside.id)) is not None
    # The service refuses it too, whichever way the enterprise was found.
    with pytest.raises(ServiceError):
        event_service.register(db, world["city"], fair, "supplier", enterprise=outside)
    db.rollback()


def _event_form(**over):
    today = event_service.today()
    data = {"name": "新的对接会", "date": (today + dt.timedelta(days=20)).isoformat(), "start": "09:00",
            "end": "12:00", "meeting_minutes": "20", "tables": "8", "request_expiry_hours": "48"}
    data.update(over)
    return data


def test_event_form_keeps_fairs_in_the_region(client, db, world):
    city = world["city"]
    _as(client, city)
    form = client.get("/events/new").get_data(as_text=True)
    assert '<option selected value="江苏省">' in form or 'value="江苏省" selected' in form
    assert 'value="苏州"' in form
    html = _en(client, "/events/new", _event_form(region="江苏省", city="南京"))
    assert "within your region (江苏省苏州市)" in html
    html = _en(client, "/events/new", _event_form(region="浙江", city="杭州"))
    assert "within your region (江苏省苏州市)" in html
    assert db.scalar(select(Event).where(Event.name == "新的对接会")) is None
    response = client.post("/events/new", data=_event_form(region="江苏", city="苏州市", district="相城区"))
    assert response.status_code == 302
    made = db.scalar(select(Event).where(Event.name == "新的对接会"))
    assert (made.region, made.city, made.district) == ("江苏省", "苏州市", "相城区")
    assert "江苏省苏州市相城区" in client.get(f"/events/{made.id}").get_data(as_text=True)
    # Moving a fair out of the region is refused; moving it within is fine.
    fair = world["fairs"]["wz"]
    html = _en(client, f"/events/{fair.id}/edit", _event_form(name=fair.name, region="江苏省", city="南京"))
    assert "within your region" in html
    db.expire_all()
    assert db.get(Event, fair.id).city == "苏州"
    assert client.post(f"/events/{fair.id}/edit", data=_event_form(
        name=fair.name, region="江苏省", city="苏州", district="工业园区")).status_code == 302
    # Unknown provinces and a district without its city are field errors.
    html = _en(client, "/events/new", _event_form(region="火星", city="苏州"))
    assert "Unknown province" in html
    html = _en(client, "/events/new", _event_form(region="江苏省", district="吴中区"))
    assert "Give the city of the district" in html
    # A national organiser holds fairs anywhere.
    _as(client, world["national"])
    assert client.post("/events/new", data=_event_form(name="全国对接会", region="广东", city="深圳")).status_code == 302


def test_admin_sets_an_organisers_region(client, db, world):
    _as(client, world["admin"])
    page = client.get("/admin/users/new-organiser").get_data(as_text=True)
    assert 'name="scope_level"' in page and "江苏省" in page
    base = {"name": "常州工信", "email": "cz@example.com", "organisation": "常州市工业和信息化局",
            "password": "Changzhou-Bureau-2027", "confirm": "Changzhou-Bureau-2027"}
    html = _en(client, "/admin/users/new-organiser", {**base, "scope_level": "district",
                                                                  "scope_province": ""})
    assert "Choose the province" in html and "needs its city" in html and "needs its district" in html
    assert db.scalar(select(User).where(User.email == "cz@example.com")) is None
    html = _en(client, "/admin/users/new-organiser", {**base, "scope_level": "city",
                                                                  "scope_province": "江苏省"})
    assert "needs its city" in html and "Choose the province" not in html
    response = client.post("/admin/users/new-organiser", data={**base, "scope_level": "city",
                                                              "scope_province": "江苏省", "scope_city": "常州"})
    assert response.status_code == 302
    made = db.scalar(select(User).where(User.email == "cz@example.com"))
    assert (made.scope_level, made.scope_province, made.scope_city) == ("city", "江苏省", "常州")
    users = client.get("/admin/users?role=organiser").get_data(as_text=True)
    assert "江苏省常州市" in users and "江苏省苏州市工业园区" in users
    # The admin widens it to the province; the change is audited.
    response = client.post(f"/admin/users/{made.id}/scope", data={"scope_level": "province",
                                                                  "scope_province": "江苏", "scope_city": ""})
    assert response.status_code == 302
    db.expire_all()
    assert (made.scope_level, made.scope_province, made.scope_city) == ("province", "江苏省", None)
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "user.scope"))
    assert entry is not None and entry.details["old"] == "江苏省常州市" and entry.details["new"] == "江苏省"
    html = _en(client, f"/admin/users/{made.id}/scope", {"scope_level": "city", "scope_province": "江苏"})
    assert "needs its city" in html
    assert client.get(f"/admin/users/{world['admin'].id}/scope").status_code == 404
    # Only admins change regions.
    _as(client, world["city"])
    assert client.post(f"/admin/users/{made.id}/scope", data={"scope_level": "national"}).status_code == 403
    g.pop("_login_user", None)


@pytest.mark.parametrize("who", ("province", "city", "district", "national"))
def test_account_page_shows_the_region(client, db, world, who):
    _as(client, world[who])
    page = client.get("/account").get_data(as_text=True)
    assert "管辖范围" in page and LABELS.get(who, "全国") in page


def test_directory_shows_a_regional_organiser_its_region_unless_widened(client, db, world):
    _as(client, world["city"])
    mine = client.get("/enterprises/?per_page=100").get_data(as_text=True)
    _check(mine, _names({"yq", "wz"}), _names({"nj", "hz"}), "directory by default")
    assert "管辖范围内（江苏省苏州市）" in mine
    wide = client.get("/enterprises/?within=all&per_page=100").get_data(as_text=True)
    _check(wide, _names(PLACES), set(), "directory widened to the public listing")
    _as(client, world["national"])  # no region, no filter: the whole directory
    page = client.get("/enterprises/?per_page=100").get_data(as_text=True)
    _check(page, _names(PLACES), set(), "directory national")
    assert 'name="within"' not in page


def test_command_line_export_of_a_region(app, db, world, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from matchmaker.commands.exports import export_command
    monkeypatch.setattr("matchmaker.commands.exports._app", lambda: app)
    out = tmp_path / "suzhou.jsonl"
    result = CliRunner().invoke(export_command, ["demands", "--out", str(out), "--province", "江苏",
                                                 "--city", "苏州"])
    assert result.exit_code == 0, result.output
    names = {json.loads(line)["enterprise"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert names == _names({"yq", "wz"})
    result = CliRunner().invoke(export_command, ["enterprises", "--out", str(out), "--city", "苏州"])
    assert result.exit_code != 0 and "--province" in result.output
