"""Exported enterprises, demands and capabilities import back as they were.

Each entity is exported in each format, the database is emptied, the files are
imported with ``run_import`` (enterprises first, as an organiser would), and every
stored attribute of every enterprise, qualification, demand and capability must
come back: the models' columns are compared, not only the exported fields, so a
column that no export carries fails this test until it is exported or listed in
:data:`NOT_COMPARED` with its reason. Importing an export into the database it
came from changes nothing. A name beginning with ``=`` stays a name; a cancelled
demand stays cancelled (and unpublished); an inactive capability stays inactive.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from matchmaker.db import Base, get_engine
from matchmaker.domain import size as size_rules
from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.models import Capability, Demand, Enterprise, Qualification
from matchmaker.services import ocds
from matchmaker.services.exports import export_records, write_export
from matchmaker.services.imports import run_import
from tests.integration import helpers as h
from tests.integration.postings_support import in_days, load_chains

KINDS = ("enterprises", "demands", "capabilities")
FORMULA_NAME = "=晶澜光伏科技股份有限公司"
SITE = "https://match.example.cn"

_ID = "a database id (rows are matched by credit code, name and posting id instead)"
_TIME = "a time stamp, set when the row is written"
#: Stored attributes the round trip does not compare, each with its reason.
NOT_COMPARED = {
    Enterprise: {
        "id": _ID, "created_at": _TIME, "updated_at": _TIME, "verified_at": _TIME,
        "verified": "an import adds enterprises as unverified claims; only the platform verifies "
                    "(checked below: every imported one is unverified)",
        "chains": "seed data's grouping of an enterprise under chains: not a field of the enterprise "
                  "record (formats.md), and no page reads or edits it",
    },
    Qualification: {
        "id": _ID, "created_at": _TIME, "verified_at": _TIME, "verified_by_id": _ID,
        "verified": "imported qualifications are unverified claims (checked below)",
        "certificate_no": "the enterprise record lists qualification names only",
        "valid_until": "the enterprise record lists qualification names only",
    },
    Demand: {
        "id": _ID, "created_at": _TIME, "updated_at": _TIME, "published_at": _TIME,
        "status_reason": "the reason given on the site when a demand is closed or cancelled: not a field "
                         "of the demand record",
    },
    Capability: {
        "id": _ID, "created_at": _TIME, "updated_at": _TIME,
        "chain_nodes_inferred": "derived: whether the chain nodes were suggested from the text; an imported "
                                "capability that names its nodes has them as given",
    },
}


def _enterprise(db, name, uscc, employees, revenue_wan, quals, **kw):
    sized = size_rules.classify("工业", employees, revenue_wan, kw.get("assets_wan"))
    ent = Enterprise(name=name, uscc=uscc, industry="工业", employees=employees, revenue_wan=revenue_wan,
                     size=sized.size, size_rule=sized.rule, region="江苏省", contact=kw.pop("contact", {}),
                     chains=kw.pop("chains", []), verified=False, **kw)
    for qual in quals:
        ent.qualifications.append(Qualification(name=qual, canonical=normalize_qualification(qual)))
    db.add(ent)
    db.flush()
    return ent


def _build(db):
    load_chains(db)
    buyer = _enterprise(db, FORMULA_NAME, h.make_uscc(7001), 2500, Decimal("520000.50"), ["ISO 9001", "高新技术企业"],
                        assets_wan=Decimal(300000), city="无锡", district="新吴区", chains=["pv"],
                        description="@光伏链主\n第二行", contact={"person": "-王工", "phone": "+86 510 8888 6666",
                                                            "email": "buy@example.com"})
    sme = _enterprise(db, "苏州精密传感科技有限公司", h.make_uscc(7002), 120, Decimal(8000), ["ISO 9001", "专精特新"],
                      contact={"person": "李经理", "phone": "0512-6666 8888"}, city="苏州")
    micro = _enterprise(db, "无码小微加工坊", None, 8, Decimal("150.25"), [])
    db.add_all([
        Demand(enterprise_id=buyer.id, kind="procurement", title="=HYPERLINK(\"x\") 银浆采购",
               description="正面银浆，低温固化；\n兼容 0BB", chain_nodes=["pv.cell", "pv.materials"], region="江苏省",
               required_qualifications=["ISO 9001"], quantity=Decimal("1200.50"), unit="kg",
               budget=Decimal("6000000.50"), deadline=in_days(30), payment_days=60, acceptance_days=15,
               status="published", published_at=dt.datetime.now(dt.UTC), extra={}),
        Demand(enterprise_id=buyer.id, ref="CH-1", kind="challenge", title="+低温银浆揭榜",
               description="银浆烧结温度降到 400℃ 以下", chain_nodes=["pv.materials"], region="浙江省",
               required_qualifications=["高新技术企业"], budget=Decimal(2000000), deadline=in_days(60),
               payment_days=30, acceptance_days=30, acceptance_criteria="第三方检测：烧结温度 ≤ 400℃，效率损失 ≤ 0.1%",
               ip_terms="成果归发榜方所有；揭榜方享有署名权", status="published",
               published_at=dt.datetime.now(dt.UTC), extra={}),
        Demand(enterprise_id=buyer.id, ref="CH-2", kind="challenge", title="-硅片减薄攻关", description="",
               chain_nodes=["pv.wafer"], region="浙江省", required_qualifications=[], status="draft", extra={}),
        Demand(enterprise_id=buyer.id, ref="X-9", kind="procurement", title="已取消的清洗服务",
               description="组件清洗", chain_nodes=["pv.module"], region="江苏省", required_qualifications=[],
               deadline=in_days(20), payment_days=30, status="cancelled", status_reason="项目取消", extra={}),
        Capability(enterprise_id=sme.id, title="-MEMS 压力传感器", description="车规级\t批量供货",
                   chain_nodes=["pv.wafer"], region="江苏省", qualifications=["ISO 9001", "专精特新"], active=True,
                   capacity="月产 50 万只", extra={}),
        Capability(enterprise_id=micro.id, ref="C-7", title="@小批量精密加工", description="",
                   chain_nodes=["pv.mounting"], region="江苏省", qualifications=[], active=False,
                   capacity="单班 200 件", extra={}),
    ])
    db.commit()


# -- comparing what is stored -----------------------------------------------------------------

def _posting_ref(prefix):
    # A posting created on the site has no ref and is exported as D<id>/C<id>, which the import keeps.
    return lambda obj: obj.ref or f"{prefix}{obj.id}"


def _snapshot(db) -> dict:
    """Every compared column of every row, keyed by what identifies the row outside the database."""
    db.expire_all()
    enterprise_key = {e.id: e.uscc or e.name for e in db.scalars(select(Enterprise))}
    owner = lambda obj: enterprise_key[obj.enterprise_id]
    shown = {
        Enterprise: (lambda e: e.uscc or e.name, {}),
        Qualification: (lambda q: (owner(q), q.name), {"enterprise_id": owner}),
        Demand: (lambda d: (owner(d), _posting_ref("D")(d)), {"enterprise_id": owner, "ref": _posting_ref("D")}),
        Capability: (lambda c: (owner(c), _posting_ref("C")(c)), {"enterprise_id": owner, "ref": _posting_ref("C")}),
    }
    out = {}
    for model, (key, translate) in shown.items():
        columns = [attr.key for attr in inspect(model).column_attrs]
        assert set(NOT_COMPARED[model]) <= set(columns), model  # nothing listed that is gone
        compared = [c for c in columns if c not in NOT_COMPARED[model]]
        rows = {}
        for obj in db.scalars(select(model)):
            rows[key(obj)] = {c: translate[c](obj) if c in translate else getattr(obj, c) for c in compared}
        out[model.__name__] = rows
    return out


def _differences(before: dict, after: dict) -> dict:
    out = {}
    for model, rows in before.items():
        if set(rows) != set(after[model]):
            out[model] = {"only before": sorted(map(str, set(rows) - set(after[model]))),
                          "only after": sorted(map(str, set(after[model]) - set(rows)))}
            continue
        for key, values in rows.items():
            changed = {c: (v, after[model][key][c]) for c, v in values.items() if after[model][key][c] != v}
            if changed:
                out[f"{model} {key}"] = changed
    return out


def _records(db, kind):
    header, rows = export_records(db, kind)
    key = "name" if kind == "enterprises" else "id"
    return sorted((dict(zip(header, row)) for row in rows), key=lambda r: r[key])


def _export(db, tmp_path, fmt, header) -> dict:
    files = {}
    for kind in KINDS:
        files[kind] = tmp_path / f"{kind}.{fmt}"
        assert write_export(db, kind, files[kind], fmt, header=header) == len(_records(db, kind))
    return files


def _empty(app, db):
    db.commit()
    db.close()
    engine = get_engine(app)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def _published_ocids(db) -> set[str]:
    return {r["ocid"] for r in ocds.release_package(db, base_url=SITE, per_page=100)["releases"]}


def _demand(db, ref) -> Demand:
    return db.scalar(select(Demand).where(Demand.ref == ref))


def _nothing_changes(db, files) -> None:
    for kind in KINDS:
        again = run_import(db, kind, files[kind])
        db.commit()
        assert again.summary("en").startswith("0 created, 0 updated"), (kind, again.counts, again.problems)
        assert again.problems == [], (kind, again.problems)


FORMATS = [("xlsx", "zh"), ("csv", "zh"), ("csv", "en"), ("jsonl", "en")]


@pytest.mark.parametrize("fmt,header", FORMATS)
def test_export_then_import_into_an_empty_database(app, db, tmp_path, fmt, header):
    _build(db)
    before = _snapshot(db)
    assert [len(before[m]) for m in ("Enterprise", "Qualification", "Demand", "Capability")] == [3, 4, 4, 2]
    exported = {kind: _records(db, kind) for kind in KINDS}
    cancelled = _demand(db, "X-9")
    assert f"ocds-matchmaker-{cancelled.id}" not in _published_ocids(db)
    files = _export(db, tmp_path, fmt, header)

    _empty(app, db)
    assert db.scalar(select(func.count()).select_from(Enterprise)) == 0
    load_chains(db)
    for kind in KINDS:
        result = run_import(db, kind, files[kind])
        db.commit()
        assert result.problems == [], (kind, result.problems)
        assert result.counts["created"] == len(exported[kind]), (kind, result.counts)

    assert _differences(before, _snapshot(db)) == {}
    assert {kind: _records(db, kind) for kind in KINDS} == exported
    assert not any(db.scalars(select(Enterprise.verified))) and not any(db.scalars(select(Qualification.verified)))
    stored = db.scalar(select(Enterprise).where(Enterprise.uscc == h.make_uscc(7001)))
    assert stored.name == FORMULA_NAME and stored.revenue_wan == Decimal("520000.50")
    assert _demand(db, "X-9").status == "cancelled"
    assert db.scalar(select(Capability).where(Capability.ref == "C-7")).active is False
    challenge = _demand(db, "CH-1")
    assert (challenge.acceptance_criteria, challenge.ip_terms) == (
        "第三方检测：烧结温度 ≤ 400℃，效率损失 ≤ 0.1%", "成果归发榜方所有；揭榜方享有署名权")
    ocids = _published_ocids(db)
    assert f"ocds-matchmaker-{challenge.id}" in ocids
    assert f"ocds-matchmaker-{_demand(db, 'X-9').id}" not in ocids  # cancelled before it was ever published
    assert f"ocds-matchmaker-{_demand(db, 'CH-2').id}" not in ocids  # a draft

    # A second import of the same files changes nothing.
    _nothing_changes(db, files)
    assert _differences(before, _snapshot(db)) == {}


@pytest.mark.parametrize("fmt,header", [("xlsx", "zh"), ("jsonl", "en")])
def test_an_export_imported_into_its_own_database_changes_nothing(db, tmp_path, fmt, header):
    _build(db)
    before = _snapshot(db)
    stamps = {(type(o).__name__, o.id): o.updated_at for model in (Enterprise, Demand, Capability)
              for o in db.scalars(select(model))}
    ocids = _published_ocids(db)
    files = _export(db, tmp_path, fmt, header)
    _nothing_changes(db, files)
    db.expire_all()
    assert _differences(before, _snapshot(db)) == {}
    assert {(type(o).__name__, o.id): o.updated_at for model in (Enterprise, Demand, Capability)
            for o in db.scalars(select(model))} == stamps
    assert db.scalar(select(func.count()).select_from(Demand)) == 4
    assert _published_ocids(db) == ocids
