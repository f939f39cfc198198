"""Seeding loads the chains and the demo data once, however often it runs."""
from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from sqlalchemy import func, select

from matchmaker.cli import main
from matchmaker.models import (
    Application,
    Capability,
    ChainGraph,
    Demand,
    Enterprise,
    Event,
    EventParticipant,
    Meeting,
    MeetingRequest,
    OpenResource,
    Qualification,
    User,
)
from matchmaker.services import seeding

MODELS = (ChainGraph, Enterprise, Qualification, User, Demand, Capability, Application, Event, EventParticipant,
          MeetingRequest, Meeting, OpenResource)


def _counts(db):
    return {m.__name__: db.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_seed_demo_twice_leaves_the_same_row_counts(db):
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    first = _counts(db)
    seeding.seed_chains(db)
    report = seeding.seed_demo(db)
    db.commit()
    assert _counts(db) == first
    assert all(added == 0 for added, _total in report.values())
    assert first["ChainGraph"] >= 7 and first["Demand"] >= 120 and first["Capability"] >= 400
    assert first["Application"] >= 40 and first["Event"] == 4
    large = db.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.size == "large"))
    assert large >= 30 and first["Enterprise"] - large >= 300


def test_demo_accounts_can_sign_in(db):
    from matchmaker.security import verify_password
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    for account in seeding.DEMO_ACCOUNTS:
        user = db.scalar(select(User).where(User.email == account["email"]))
        assert user is not None and user.role == account["role"]
        assert verify_password(user.password_hash, seeding.DEMO_PASSWORD)
    buyer = db.scalar(select(User).where(User.email == "buyer@demo.matchmaker.cn"))
    sme = db.scalar(select(User).where(User.email == "sme@demo.matchmaker.cn"))
    assert buyer.enterprise.size == "large" and sme.enterprise.size != "large"
    offered = db.scalars(select(Capability).where(Capability.enterprise_id == sme.enterprise_id)).all()
    assert len(offered) >= 4 and len({n for c in offered for n in c.chain_nodes}) >= 4
    # The SME's own applications were sent by its demo log-in.
    sent = db.scalars(select(Application).where(Application.enterprise_id == sme.enterprise_id)).all()
    assert sent and {a.submitted_by_id for a in sent} == {sme.id}


def test_seed_command_twice(app, monkeypatch):
    monkeypatch.setattr("matchmaker.commands.site._app", lambda: app)
    runner = CliRunner()
    first = runner.invoke(main, ["seed", "--demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, ["seed", "--demo"])
    assert second.exit_code == 0, second.output
    assert "    0 added" in second.output
    assert first.output.splitlines()[-1].split()[-4:] == second.output.splitlines()[-1].split()[-4:]


def test_home_page_shows_demo_demands(client, db):
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    html = client.get("/").get_data(as_text=True)
    published = db.scalars(select(Demand.title).where(Demand.status == "published")).all()
    assert sum(title in html for title in published) >= 10


def test_seed_loads_organisation_kinds_designations_and_payment_terms(db):
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    kinds = {kind for kind in db.scalars(select(Enterprise.org_type))}
    assert {"enterprise", "university", "research_institute", "public_institution"} <= kinds
    sme_buyers = db.scalars(select(Demand).join(Demand.enterprise)
                            .where(Enterprise.size.in_(("micro", "small", "medium")))).all()
    assert len(sme_buyers) >= 3
    bill = db.scalars(select(Demand).where(Demand.payment_method == "bill")).first()
    assert bill is not None and bill.instrument_days and bill.payment_days + bill.instrument_days <= 60
    assert db.scalar(select(func.count()).select_from(Demand).where(Demand.acceptance_days.is_not(None))) >= 5


def test_seeding_again_restores_a_missing_designation_and_adds_nothing(db):
    """A database seeded before 链主 designations existed gets them on the next seed, row counts unchanged."""
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    leaders = db.scalars(select(Enterprise).where(Enterprise.chain_leader_of.is_not(None))).all()
    designated = {e.id: e.chain_leader_of for e in leaders if e.chain_leader_of}
    assert 3 <= len(designated) <= 8
    for e in leaders:
        e.chain_leader_of = []
    db.commit()
    before = _counts(db)
    seeding.seed_demo(db)
    db.commit()
    assert _counts(db) == before
    again = {e.id: e.chain_leader_of for e in db.scalars(select(Enterprise)) if e.chain_leader_of}
    assert again == designated


def test_the_demo_has_a_past_fair_followed_up_to_signed_contracts(client, db):
    """The city organiser's finished fair: meetings held and missed, intents, contracts signed since,
    so the dashboard, the follow-up page and the 融通 report open on real figures."""
    from matchmaker.models import Meeting
    from tests.integration import events_support as es
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    fair = db.scalar(select(Event).where(Event.key == "2026-suzhou-solar-fair"))
    assert fair.status == "final" and fair.date < dt.date.today() and fair.city == "苏州"
    meetings = db.scalars(select(Meeting).where(Meeting.event_id == fair.id)).all()
    stages = {m.stage for m in meetings}
    assert len(meetings) >= 20 and {"intent", "negotiating", "signed", "terminated"} <= stages
    assert {m.checkin for m in meetings} == {"held", "no_show"}
    assert all(m.contract_amount and m.contract_date and m.contract_type for m in meetings if m.stage == "signed")
    suzhou = db.scalar(select(User).where(User.email == "suzhou@demo.matchmaker.cn"))
    assert fair.organiser_id == suzhou.id
    es.as_user(client, suzhou)
    dashboard = client.get(f"/events/{fair.id}/dashboard").get_data(as_text=True)
    held = sum(m.checkin == "held" for m in meetings)
    assert f'id="total-held">{held}<' in dashboard and f'id="total-scheduled">{len(meetings)}<' in dashboard
    for page in ("schedule", "checkin", "signin", "dashboard", "followup", "participants", "manage/requests"):
        assert client.get(f"/events/{fair.id}/{page}").status_code == 200, page
    follow = client.get(f"/events/{fair.id}/followup").get_data(as_text=True)
    signed = [m for m in meetings if m.stage == "signed"]
    assert client.get(f"/events/{fair.id}/followup").status_code == 200 and str(len(signed)) in follow
    report = client.get("/reports/", query_string={"from": "2026-01-01", "to": "2026-12-31"})
    assert report.status_code == 200


def test_seeding_a_database_from_before_applications_dates_its_demands_first(db):
    """A demo loaded when demands were published "now" and had no applications: seeding again adds the
    applications and gives the demands their publication dates, so no application predates its demand."""
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    db.query(Application).delete()
    later = dt.datetime.now(dt.UTC)
    for demand in db.scalars(select(Demand).where(Demand.status != "draft")):
        demand.published_at = demand.created_at = later
    db.commit()
    report = seeding.seed_demo(db)
    db.commit()
    assert report["applications"][0] >= 40 and report["demands"][0] == 0

    def utc(value):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    early = [(a.demand.ref, a.enterprise.name) for a in db.scalars(select(Application))
             if utc(a.created_at) < utc(a.demand.published_at)]
    assert early == []
