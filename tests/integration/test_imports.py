"""Bulk import (matchmaker import / services.imports): messy organisers' files, exact outcomes, re-import no-op."""
from __future__ import annotations

import codecs
import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from matchmaker.cli import main
from matchmaker.domain import size as size_rules
from matchmaker.models import (
    AuditLog,
    Capability,
    Demand,
    Enterprise,
    Event,
    EventParticipant,
    Notification,
    Qualification,
    SearchEntry,
)
from matchmaker.services import matching, search
from matchmaker.services.exports import write_export
from matchmaker.services.imports import (
    IMPORT_KINDS,
    SIMILAR_THRESHOLD,
    ImportRefused,
    ImportResult,
    run_import,
    write_report,
)
from tests.integration import helpers as h
from tests.integration.postings_support import in_days, load_chains

# --------------------------------------------------------------------------- files

HEADER = ["企业名称", "统一社会信用代码", "地区", "行业", "从业人员", "营业收入", "资产总额", "资质",
          "联系人", "联系电话", "联系邮箱"]
CODES = {n: h.make_uscc(900_000 + n) for n in range(1, 10)}


def messy_rows() -> list[list]:
    """Data rows of the organisers' enterprise list, as a spreadsheet holds them (row 5 onwards)."""
    return [
        ["苏州精工科技有限公司", CODES[1], "江苏", "工业", "120", "5000万", None, "ISO 9001；专精特新",
         "张三", "0512-66881234", "zhang@jinggong.example.cn"],                                     # 5 created
        [None] * 11,                                                                                 # 6 blank
        ["蘇州精工科技有限公司", None, "江苏", "工业", "120", "5000万", None, None, None, None, None],  # 7 duplicate
        ["昆山明锐电子有限公司", "91320583MA1WWWWW", "江苏", "工业", "60", "800万", None, None,
         None, None, None],                                                                          # 8 bad code
        ["ＡＢＣ精密有限公司", CODES[2], "江苏省", "工业", "80", "1.2亿", None, None, None, None, None],  # 9 created
        ["ABC精密有限公司", None, "江苏省", "工业", "80", "1.2亿", None, None, None, None, None],        # 10 duplicate
        ["=SUM(A1:A3)科技有限公司", CODES[3], "浙江", None, None, None, None, None, None, None, None],  # 11 created
        ["无锡大成集团有限公司", CODES[4], "江苏", "工业", "3000", "5亿", "8亿", None, None, None, None],  # 12 created
        ["南通海工装备有限公司", CODES[5], "江苏", "工业", "很多", None, None, None, None, None, None],  # 13 bad number
        ["常州远方传动有限公司", CODES[6], "火星", None, None, None, None, None, None, None, None],      # 14 bad region
        ["扬州存量企业有限公司", CODES[7], "江苏", "工业", "250", "9000万", None, None, None, None, None],  # 15 updated
        ["泰州存量企业有限公司", CODES[8], "江苏", "工业", "40", "1500万", None, None, None, None, None],  # 16 unchanged
        ["镇江市合力机械制造有限公司", None, "江苏", "工业", "90", "3000万", None, None, None, None, None],  # 17 review
    ]


EXPECTED_FIRST = {"created": 4, "updated": 1, "unchanged": 1, "rejected": 5, "review": 1}
EXPECTED_AGAIN = {"created": 0, "updated": 0, "unchanged": 6, "rejected": 5, "review": 1}
REJECTED = {7: "name", 8: "credit_code", 10: "name", 13: "employees", 14: "region"}


def stored_enterprises(db) -> dict:
    """Enterprises already on the platform before the import."""
    def classified(name, code, employees, revenue_wan):
        found = size_rules.classify("工业", employees, revenue_wan)
        return Enterprise(name=name, uscc=code, region="江苏省", industry="工业", employees=employees,
                          revenue_wan=Decimal(revenue_wan), size=found.size, size_rule=found.rule, contact={},
                          chains=[])
    old = Enterprise(name="扬州存量企业有限公司", uscc=CODES[7], region="江苏省", industry="工业", employees=200,
                     revenue_wan=Decimal(9000), contact={}, chains=[])
    same = classified("泰州存量企业有限公司", CODES[8], 40, 1500)
    near = classified("镇江合力机械制造有限公司", CODES[9], 90, 3000)
    db.add_all([old, same, near])
    db.commit()
    return {"old": old, "same": same, "near": near}


def write_messy_xlsx(path) -> None:
    """Title row merged across, a blank row, a two-row header whose group label 联系方式 is merged."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年苏州供需对接会 企业名单"] + [None] * 10)
    ws.merge_cells("A1:K1")
    ws.append([None] * 11)
    ws.append(HEADER[:8] + ["联系方式", None, None])
    ws.append([None] * 8 + HEADER[8:])
    for col in "ABCDEFGH":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("I3:K3")
    for row in messy_rows():
        ws.append(row)
        if str(row[0]).startswith("="):
            ws.cell(ws.max_row, 1).data_type = "s"  # typed text, not a formula
    wb.save(path)


def write_messy_csv(path, encoding: str) -> None:
    """A title line, a blank line, the header, the same rows; UTF-8 with BOM or GB18030."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(["2026年苏州供需对接会 企业名单"])
    writer.writerow([])
    writer.writerow(HEADER)
    writer.writerow([])  # row 4 blank, so data rows keep the numbers of the workbook
    for row in messy_rows():
        writer.writerow(["" if c is None else c for c in row])
    path.write_bytes(buf.getvalue().encode(encoding))


@pytest.fixture(params=["xlsx", "csv-bom", "csv-gb18030"])
def messy_file(request, tmp_path):
    if request.param == "xlsx":
        path = tmp_path / "企业名单.xlsx"
        write_messy_xlsx(path)
    else:
        path = tmp_path / "企业名单.csv"
        write_messy_csv(path, "utf-8-sig" if request.param == "csv-bom" else "gb18030")
    return path


def counts(result: ImportResult) -> dict:
    return {k: v for k, v in result.counts.items()}


def enterprise_state(db) -> list[tuple]:
    db.expire_all()
    return [(e.id, e.name, e.uscc, e.region, e.industry, e.employees, e.revenue_wan, e.assets_wan, e.size,
             json.dumps(e.contact, sort_keys=True), e.updated_at.replace(tzinfo=None))
            for e in db.scalars(select(Enterprise).order_by(Enterprise.id))]


def report_sheets(result, lang="zh") -> dict:
    buf = io.BytesIO()
    write_report(result, buf, lang)
    buf.seek(0)
    wb = openpyxl.load_workbook(buf)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


# --------------------------------------------------------------------------- enterprises

def test_a_messy_enterprise_list_imports_its_good_rows_and_a_second_import_changes_nothing(db, messy_file):
    stored = stored_enterprises(db)
    result = run_import(db, "enterprises", messy_file)
    db.commit()
    assert counts(result) == EXPECTED_FIRST
    assert result.total == 12
    gb18030 = messy_file.suffix == ".csv" and not messy_file.read_bytes().startswith(codecs.BOM_UTF8)
    assert [en for _, en in result.file_warnings] == (
        ["the file is not UTF-8; it was read as GB18030 (GBK)"] if gb18030 else [])
    by_row = {r.row: r for r in result.rows}
    assert {row: r.action for row, r in by_row.items()} == {
        5: "created", 7: "rejected", 8: "rejected", 9: "created", 10: "rejected", 11: "created", 12: "created",
        13: "rejected", 14: "rejected", 15: "updated", 16: "unchanged", 17: "review"}
    assert {p.row: p.column for p in result.problems} == REJECTED
    assert "第 5 行" in next(p.reason_zh for p in result.problems if p.row == 7)
    assert "row 9" in next(p.reason_en for p in result.problems if p.row == 10)
    [similar] = result.similar
    assert (similar.row, similar.candidate_id, similar.linked) == (17, stored["near"].id, False)
    assert SIMILAR_THRESHOLD <= similar.score < 100

    db.expire_all()
    jinggong = db.get(Enterprise, by_row[5].entity_id)
    assert (jinggong.name, jinggong.uscc, jinggong.region, jinggong.revenue_wan) == (
        "苏州精工科技有限公司", CODES[1], "江苏省", Decimal("5000.00"))
    assert jinggong.size == "small" and "工业" in jinggong.size_rule
    assert jinggong.contact == {"person": "张三", "phone": "0512-66881234", "email": "zhang@jinggong.example.cn"}
    assert sorted(q.canonical for q in jinggong.qualifications) == ["ISO 9001", "专精特新"]
    assert not any(q.verified for q in jinggong.qualifications)
    abc = db.get(Enterprise, by_row[9].entity_id)
    assert abc.name == "ＡＢＣ精密有限公司" and abc.revenue_wan == Decimal("12000.00")
    assert db.get(Enterprise, by_row[11].entity_id).name == "=SUM(A1:A3)科技有限公司"
    dacheng = db.get(Enterprise, by_row[12].entity_id)
    assert (dacheng.revenue_wan, dacheng.assets_wan, dacheng.size) == (Decimal("50000.00"), Decimal("80000.00"),
                                                                         "large")
    assert db.get(Enterprise, stored["old"].id).employees == 250
    assert db.scalar(select(func.count()).select_from(Enterprise)) == 3 + 4

    before = enterprise_state(db)
    again = run_import(db, "enterprises", messy_file)
    db.commit()
    assert counts(again) == EXPECTED_AGAIN
    assert again.summary("en").startswith("0 created, 0 updated, 6 unchanged, 5 rejected")
    assert enterprise_state(db) == before, "no value and no update time moved"


def test_rows_split_over_several_chunks_give_the_same_outcomes(db, tmp_path, monkeypatch):
    from matchmaker.services.imports import run as run_module
    monkeypatch.setattr(run_module, "CHUNK", 2)
    stored_enterprises(db)
    path = tmp_path / "list.xlsx"
    write_messy_xlsx(path)
    progress = []
    result = run_import(db, "enterprises", path, progress=lambda done, total: progress.append((done, total)))
    db.commit()
    assert counts(result) == EXPECTED_FIRST
    assert progress[0] == (1, 12) and progress[-1] == (12, 12), "the unreadable row counts as done at once"
    assert counts(run_import(db, "enterprises", path)) == EXPECTED_AGAIN


def test_the_report_lists_every_problem_in_the_chosen_language(db, messy_file):
    stored_enterprises(db)
    result = run_import(db, "enterprises", messy_file)
    zh = report_sheets(result, "zh")
    assert list(zh) == ["汇总", "问题", "相近名称", "逐行结果"]
    summary = dict(zh["汇总"][1:])
    assert (summary["新建"], summary["更新"], summary["未变"], summary["拒绝"], summary["待确认"]) == (4, 1, 1, 5, 1)
    assert summary["相近名称阈值（0-100）"] == SIMILAR_THRESHOLD
    problems = zh["问题"]
    assert problems[0] == ("行", "列", "值", "原因")
    assert [(r[0], r[1], r[2]) for r in problems[1:]] == [
        (7, "企业名称", "蘇州精工科技有限公司"), (8, "统一社会信用代码", "91320583MA1WWWWW"),
        (10, "企业名称", "ABC精密有限公司"), (13, "从业人员", "很多"), (14, "地区", "火星")]
    assert "统一社会信用代码无效" in problems[2][3] and "火星" in problems[5][3]
    assert all(r[3] and not r[3].isascii() for r in problems[1:]), "reasons are in Chinese"
    review = zh["相近名称"]
    assert review[1][:2] == (17, "镇江市合力机械制造有限公司") and review[1][3] == "镇江合力机械制造有限公司"
    rows = zh["逐行结果"]
    assert ("'=SUM(A1:A3)科技有限公司" in [r[3] for r in rows]), "a formula-like name is written as text"
    en = report_sheets(result, "en")
    assert en["Problems"][0] == ("Row", "Column", "Value", "Reason")
    assert [r[1] for r in en["Problems"][1:]] == ["name", "credit_code", "name", "employees", "region"]
    reasons = {r[0]: r[3] for r in en["Problems"][1:]}
    assert "the same enterprise as row 5" in reasons[7] and "invalid unified social credit code" in reasons[8]
    assert "is not a whole number" in reasons[13] and "Unknown province" in reasons[14]


def test_a_dry_run_reports_the_same_outcomes_and_writes_nothing(db, tmp_path):
    stored_enterprises(db)
    path = tmp_path / "list.xlsx"
    write_messy_xlsx(path)
    before = enterprise_state(db)
    audit_before = db.scalar(select(func.count()).select_from(AuditLog))
    dry = run_import(db, "enterprises", path, dry_run=True)
    db.commit()
    assert dry.dry_run and counts(dry) == EXPECTED_FIRST
    assert dry.summary("en").endswith("(dry run, nothing written)")
    assert enterprise_state(db) == before
    assert db.scalar(select(func.count()).select_from(Qualification)) == 0
    assert db.scalar(select(func.count()).select_from(AuditLog)) == audit_before
    real = run_import(db, "enterprises", path)
    db.commit()
    assert counts(real) == EXPECTED_FIRST
    assert [(r.row, r.action) for r in real.rows] == [(r.row, r.action) for r in dry.rows]


def test_similar_names_are_linked_only_when_confirmed(db, tmp_path):
    stored = stored_enterprises(db)
    path = tmp_path / "similar.csv"
    path.write_text("企业名称,从业人员,行业,营业收入,联系人\n镇江市合力机械制造有限公司,95,工业,1.2亿,周工\n"
                    "镇江合力机械制造有限公司,90,工业,3000万,\n", encoding="utf-8")
    held = run_import(db, "enterprises", path, dry_run=True)
    assert counts(held) == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0, "review": 1}
    assert [(s.row, s.candidate_id) for s in held.similar] == [(2, stored["near"].id)]
    # A collection links only the rows confirmed; the exact name on row 3 is then a duplicate.
    linked = run_import(db, "enterprises", path, link_similar={2})
    db.commit()
    assert [(r.row, r.action) for r in linked.rows] == [(2, "updated"), (3, "rejected")]
    assert linked.similar[0].linked
    db.expire_all()
    near = db.get(Enterprise, stored["near"].id)
    assert near.name == "镇江合力机械制造有限公司", "a confirmed similar name keeps the stored spelling"
    assert (near.employees, near.revenue_wan, near.size) == (90, Decimal("3000.00"), "small"), (
        "a row linked by a similar name does not overwrite the stored figures")
    assert near.contact == {"person": "周工"}, "it only fills what is blank"
    assert db.scalar(select(func.count()).select_from(Enterprise)) == 3
    [entry] = db.scalars(select(AuditLog).where(AuditLog.action == "enterprise.update")).all()
    assert (entry.object_id, entry.details["changed"]) == (str(near.id), {"contact": [{}, {"person": "周工"}]})


def test_a_confirmation_holds_only_for_the_candidate_confirmed(db, tmp_path):
    stored = stored_enterprises(db)
    path = tmp_path / "similar.csv"
    path.write_text("企业名称,城市\n镇江市合力机械制造有限公司,镇江市\n", encoding="utf-8")
    near = stored["near"].id
    other = run_import(db, "enterprises", path, link_similar={2: near + 100})
    assert counts(other)["review"] == 1 and not other.similar[0].linked, "the best candidate is another one now"
    confirmed = run_import(db, "enterprises", path, link_similar={2: near})
    db.commit()
    assert [(r.action, r.entity_id) for r in confirmed.rows] == [("updated", near)]
    assert db.get(Enterprise, near).city == "镇江市"


def test_a_name_about_as_similar_to_two_enterprises_is_never_offered_for_linking(db, tmp_path):
    stored = stored_enterprises(db)
    twin = h.enterprise(db, name="镇江市合力机械制造厂有限公司", size="small", region="江苏省")
    db.commit()
    path = tmp_path / "similar.csv"
    path.write_text("企业名称,城市\n镇江市合力机械制造有限公司,镇江市\n", encoding="utf-8")
    for link in (False, True, {2: stored["near"].id}):
        result = run_import(db, "enterprises", path, link_similar=link)
        assert counts(result)["rejected"] == 1 and result.similar == [], link
    [problem] = result.problems
    assert problem.column == "name"
    for name, eid in (("镇江合力机械制造有限公司", stored["near"].id), ("镇江市合力机械制造厂有限公司", twin.id)):
        assert f"“{name}” (id {eid}, score " in problem.reason_en and f"编号 {eid}" in problem.reason_zh
    assert "credit code" in problem.reason_en
    assert db.get(Enterprise, stored["near"].id).city is None


def test_a_name_similar_to_an_earlier_row_is_a_duplicate_of_that_row(db, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("企业名称,地区\n无锡新华精密机械制造有限公司,江苏\n无锡新华精密机械制造厂有限公司,江苏\n",
                    encoding="utf-8")
    for dry_run in (True, False):
        result = run_import(db, "enterprises", path, dry_run=dry_run, link_similar=True)
        db.commit()
        assert [(r.row, r.action) for r in result.rows] == [(2, "created"), (3, "rejected")], dry_run
        assert result.similar == [], "no stand-in of a row is offered as a candidate"
        assert "row 2" in result.problems[0].reason_en and "第 2 行" in result.problems[0].reason_zh
    assert db.scalar(select(func.count()).select_from(Enterprise)) == 1


def test_link_similar_true_links_every_similar_row(db, tmp_path):
    stored = stored_enterprises(db)
    path = tmp_path / "similar.jsonl"
    path.write_text(json.dumps({"name": "镇江市合力机械制造有限公司", "city": "镇江市"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    result = run_import(db, "enterprises", path, link_similar=True)
    db.commit()
    assert counts(result)["updated"] == 1 and result.rows[0].entity_id == stored["near"].id
    assert db.get(Enterprise, stored["near"].id).city == "镇江市"


def test_a_name_with_another_credit_code_is_not_the_same_enterprise(db, tmp_path):
    stored = stored_enterprises(db)
    path = tmp_path / "conflict.csv"
    path.write_text(f"企业名称,统一社会信用代码\n扬州存量企业有限公司,{CODES[1]}\n", encoding="utf-8")
    result = run_import(db, "enterprises", path)
    assert counts(result)["rejected"] == 1
    assert CODES[7] in result.problems[0].reason_en and stored["old"].uscc == CODES[7]


def test_a_renamed_enterprise_found_by_its_code_takes_the_new_name(db, tmp_path):
    stored = stored_enterprises(db)
    path = tmp_path / "rename.csv"
    path.write_text(f"名称,信用代码\n扬州新名称科技有限公司,{CODES[7]}\n", encoding="utf-8")
    result = run_import(db, "enterprises", path)
    db.commit()
    assert [(r.action, r.entity_id) for r in result.rows] == [("updated", stored["old"].id)]
    assert db.get(Enterprise, stored["old"].id).name == "扬州新名称科技有限公司"


def test_an_enterprise_without_credit_code_is_stored_and_shown(db, client, tmp_path):
    path = tmp_path / "nocode.csv"
    path.write_text("企业名称,地区\n无代码示范企业有限公司,江苏\n", encoding="utf-8")
    result = run_import(db, "enterprises", path)
    db.commit()
    ent = db.get(Enterprise, result.rows[0].entity_id)
    assert ent.uscc is None
    page = client.get(f"/enterprises/{ent.id}").get_data(as_text=True)
    assert "无代码示范企业有限公司" in page


# --------------------------------------------------------------------------- postings

def _csv(path, header, rows):
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return path


@pytest.fixture
def companies(db):
    """Chains, an SME, a large buyer and an enterprise of unknown size."""
    load_chains(db)
    sme = h.enterprise(db, name="苏州键合材料有限公司", size="small", region="江苏省")
    buyer = h.enterprise(db, name="示范封测集团有限公司", size="large", region="江苏省")
    unknown = h.enterprise(db, name="待划型企业有限公司", size=None, region="浙江省")
    db.commit()
    return {"sme": sme, "buyer": buyer, "unknown": unknown}


def test_imported_capabilities_are_searchable_and_suggested_like_site_postings(db, companies, tmp_path):
    sme, buyer = companies["sme"], companies["buyer"]
    demand = h.demand(db, buyer, title="键合丝采购", description="镀钯铜键合丝 QFN 封装用", status="published")
    db.commit()
    assert matching.suggested_suppliers(db, demand).items == [], "the engines are fitted, with no supplier yet"
    db.commit()
    path = _csv(tmp_path / "caps.csv", ["编号", "企业", "统一社会信用代码", "能力名称", "能力描述", "资质"], [
        ["C1", "蘇州鍵合材料有限公司", "", "镀钯铜键合丝", "镀钯铜键合丝，线径18–25μm，用于QFN封装。", "ISO 9001"],
        ["C2", "任意名称", sme.uscc, "金键合丝", "高纯金键合丝 4N", ""],
        ["C3", "不存在的企业有限公司", "", "引线框架", "蚀刻引线框架", ""],
        ["C4", "示范封测集团有限公司", "", "封装代工", "QFN 封装", ""],
    ])
    result = run_import(db, "capabilities", path)
    db.commit()
    assert counts(result) == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 1, "review": 0}
    problems = {p.row: p for p in result.problems}
    assert "import the enterprises first" in problems[4].reason_en and "请先导入企业" in problems[4].reason_zh
    c4 = db.get(Capability, result.rows[3].entity_id)
    assert c4.enterprise_id == companies["buyer"].id, "any organisation may offer a capability, whatever its size"
    c1 = db.get(Capability, result.rows[0].entity_id)
    assert (c1.enterprise_id, c1.ref, c1.region, c1.active) == (sme.id, "C1", "江苏省", True)
    assert c1.chain_nodes and c1.chain_nodes_inferred, "nodes inferred from the text, as the site suggests them"
    assert "icpkg.bonding-wire" in c1.chain_nodes
    assert c1.qualifications == ["ISO 9001"]
    assert "ISO 9001" in [q.canonical for q in db.get(Enterprise, sme.id).qualifications], "claimed, unverified"
    assert db.get(Capability, result.rows[1].entity_id).enterprise_id == sme.id, "the credit code wins"

    found = search.search_postings(db, "鍵合絲")
    assert c1.id in [p.id for kind, p in found.items if kind == "capability"]
    suggested = matching.suggested_suppliers(db, demand).items
    assert [s.capability.id for s in suggested][:1] == [c1.id]

    again = run_import(db, "capabilities", path)
    db.commit()
    assert counts(again) == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 1, "review": 0}


def test_a_changed_capability_row_updates_and_re_infers_its_nodes(db, companies, tmp_path):
    header = ["编号", "企业", "标题", "描述"]
    first = _csv(tmp_path / "a.csv", header, [["C1", "苏州键合材料有限公司", "引线框架", "蚀刻引线框架"]])
    created = run_import(db, "capabilities", first)
    db.commit()
    cap_id = created.rows[0].entity_id
    stamp = db.get(Capability, cap_id).updated_at
    second = _csv(tmp_path / "b.csv", header, [["C1", "苏州键合材料有限公司", "镀钯铜键合丝", "键合丝"]])
    updated = run_import(db, "capabilities", second)
    db.commit()
    assert [(r.action, r.entity_id) for r in updated.rows] == [("updated", cap_id)]
    db.expire_all()
    cap = db.get(Capability, cap_id)
    assert cap.title == "镀钯铜键合丝" and "icpkg.bonding-wire" in cap.chain_nodes
    assert cap.updated_at != stamp
    assert [p.id for _, p in search.search_postings(db, "镀钯铜").items] == [cap_id]
    assert search.search_postings(db, "引线框架").total == 0


def test_demands_follow_the_site_rules(db, companies, tmp_path):
    path = _csv(tmp_path / "demands.csv",
                ["需求编号", "需求企业", "需求类型", "需求名称", "技术要求", "产业链环节", "预算", "截止日期", "账期",
                 "验收期限"], [
        ["D1", "示范封测集团有限公司", "采购", "键合丝年度采购", "镀钯铜键合丝", "icpkg.bonding-wire", "1.5亿",
         in_days(30).isoformat(), "60天", "15"],
        ["D2", "示范封测集团有限公司", "揭榜挂帅", "国产键合设备攻关", "", "", "2000万", "", "", ""],
        ["D3", "示范封测集团有限公司", "采购", "引线框架", "", "no.such.node", "", "", "", ""],
        ["D4", "示范封测集团有限公司", "采购", "塑封料", "", "", "", "", "120", ""],
        ["D5", "苏州键合材料有限公司", "采购", "SME 的需求", "", "", "", "", "", ""],
        ["D6", "示范封测集团有限公司", "采购", "过期的需求", "", "", "", "2020-01-01", "", ""],
        ["D7", "待划型企业有限公司", "采购", "未划型企业的需求", "", "", "", "", "", ""],
    ])
    result = run_import(db, "demands", path)
    db.commit()
    assert counts(result) == {"created": 5, "updated": 0, "unchanged": 0, "rejected": 2, "review": 0}
    assert {p.row: p.column for p in result.problems} == {4: "chain_nodes", 5: "payment_days"}
    assert "第九条" in next(p.reason_zh for p in result.problems if p.row == 5)
    d1, d2, d5, d6, d7 = (db.get(Demand, r.entity_id) for r in result.rows if r.action == "created")
    assert d5.status == "published", "an SME buys from SMEs; the regulation sets no term for an SME buyer"
    assert d7.status == "draft", "size not known: checked as a large buyer, so no term means no publication"
    assert (d1.status, d1.budget, d1.payment_days, d1.acceptance_days, d1.chain_nodes) == (
        "published", Decimal("150000000.00"), 60, 15, ["icpkg.bonding-wire"])
    assert d1.published_at is not None
    assert (d2.kind, d2.status) == ("challenge", "draft"), "a challenge needs what the file cannot say"
    assert d6.status == "draft", "past its deadline"
    assert search.search_postings(db, "键合丝年度采购").total == 1
    again = run_import(db, "demands", path)
    assert counts(again)["unchanged"] == 5 and counts(again)["updated"] == 0


def test_a_published_demand_with_applications_is_not_changed_by_an_import(db, companies, tmp_path):
    header = ["编号", "企业", "标题", "预算", "账期"]
    result = run_import(db, "demands", _csv(tmp_path / "a.csv", header,
                                            [["D1", "示范封测集团有限公司", "键合丝", "100万", "60"]]))
    db.commit()
    demand = db.get(Demand, result.rows[0].entity_id)
    assert demand.status == "published"
    from matchmaker.models import Application
    db.add(Application(demand_id=demand.id, enterprise_id=companies["sme"].id, proposal="报价"))
    db.commit()
    changed = run_import(db, "demands", _csv(tmp_path / "b.csv", header,
                                             [["D1", "示范封测集团有限公司", "键合丝", "200万", "60"]]))
    assert counts(changed)["rejected"] == 1 and "applications" in changed.problems[0].reason_en
    assert db.get(Demand, demand.id).budget == Decimal("1000000.00")


def test_an_export_imports_into_the_same_database_without_copies(db, companies, tmp_path):
    buyer, sme = companies["buyer"], companies["sme"]
    demand = h.demand(db, buyer, title="键合丝采购", description="镀钯铜键合丝", status="published", kind="procurement",
                      payment_days=60, published_at=in_days(-1))
    capability = h.capability(db, sme, title="镀钯铜键合丝", description="线径18–25μm", region="江苏省")
    other = h.enterprise(db, name="另一封测集团有限公司", size="large")
    db.commit()
    assert (demand.ref, capability.ref) == (None, None), "postings posted on the site have no file id"
    for kind in ("demands", "capabilities"):
        out = tmp_path / f"{kind}.csv"
        write_export(db, kind, out, "csv")
        again = run_import(db, kind, out)
        db.commit()
        assert counts(again) == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0, "review": 0}, kind
    assert [r.entity_id for r in again.rows] == [capability.id]
    assert db.scalar(select(func.count()).select_from(Demand)) == 1
    assert db.scalar(select(func.count()).select_from(Capability)) == 1
    # D<n> is that enterprise's posting number n: another enterprise's row with it is its own posting.
    path = _csv(tmp_path / "other.csv", ["编号", "企业", "标题", "账期"],
                [[f"D{demand.id}", other.name, "另一家的需求", "30"]])
    result = run_import(db, "demands", path)
    db.commit()
    assert counts(result)["created"] == 1 and result.rows[0].entity_id != demand.id
    assert db.get(Demand, result.rows[0].entity_id).ref == f"D{demand.id}"
    assert (db.get(Demand, demand.id).title, db.get(Demand, demand.id).ref) == ("键合丝采购", None)


DEMAND_HEADER = ["需求编号", "需求企业", "需求类型", "需求名称", "账期", "状态", "验收标准", "知识产权约定", "数量", "单位"]


def test_an_import_never_publishes_what_was_not_published(db, companies, tmp_path):
    buyer = companies["buyer"].name
    path = _csv(tmp_path / "a.csv", DEMAND_HEADER, [
        ["D1", buyer, "采购", "草稿采购", "60", "草稿", "", "", "", ""],
        ["D2", buyer, "采购", "已截止的采购", "60", "已截止", "", "", "", ""],
        ["D3", buyer, "揭榜挂帅", "完整的榜单", "60", "", "良率不低于99%", "归发榜方所有", "", ""],
        ["D4", buyer, "采购", "键合丝", "60", "published", "", "", "1,200", "千克"],
        ["D5", buyer, "采购", "未写账期的采购", "", "", "", "", "", ""],
        ["D6", buyer, "揭榜挂帅", "缺验收标准的榜单", "60", "已发布", "", "", "", ""],
    ])
    result = run_import(db, "demands", path)
    db.commit()
    assert counts(result)["created"] == 6, result.problems
    made = {db.get(Demand, r.entity_id).ref: db.get(Demand, r.entity_id) for r in result.rows}
    assert {ref: d.status for ref, d in made.items()} == {
        "D1": "draft", "D2": "closed", "D3": "published", "D4": "published", "D5": "draft", "D6": "draft"}
    assert made["D2"].published_at is None and made["D3"].published_at is not None
    assert (made["D3"].acceptance_criteria, made["D3"].ip_terms) == ("良率不低于99%", "归发榜方所有")
    assert (made["D4"].quantity, made["D4"].unit) == (Decimal("1200.00"), "千克")
    assert counts(run_import(db, "demands", path))["unchanged"] == 6, "re-importing the same file changes nothing"

    later = _csv(tmp_path / "b.csv", DEMAND_HEADER, [
        ["D1", buyer, "采购", "草稿采购", "60", "已发布", "", "", "", ""],
        ["D4", buyer, "采购", "键合丝", "60", "已取消", "", "", "", ""],
        ["D2", buyer, "采购", "已截止的采购", "60", "closed", "", "", "", ""],
    ])
    result = run_import(db, "demands", later)
    db.commit()
    assert {r.row: r.action for r in result.rows} == {2: "unchanged", 3: "rejected", 4: "unchanged"}
    [problem] = result.problems
    assert problem.column == "status" and "on the site" in problem.reason_en and "网站" in problem.reason_zh
    db.expire_all()
    assert (made["D1"].status, made["D4"].status) == ("draft", "published")


def test_an_unlisted_capability_stays_unlisted(db, companies, tmp_path):
    sme = companies["sme"].name
    header = ["编号", "企业", "能力名称", "是否上架", "产能"]
    first = run_import(db, "capabilities", _csv(tmp_path / "a.csv", header, [
        ["C1", sme, "引线框架", "否", ""], ["C2", sme, "金键合丝", "", "月产 5 吨"]]))
    db.commit()
    c1, c2 = (db.get(Capability, r.entity_id) for r in first.rows)
    assert (c1.active, c2.active, c2.capacity) == (False, True, "月产 5 吨")
    assert [p.id for _, p in search.search_postings(db, "引线框架").items] == []
    second = run_import(db, "capabilities", _csv(tmp_path / "b.csv", header, [
        ["C1", sme, "引线框架", "是", ""], ["C2", sme, "金键合丝", "否", ""]]))
    db.commit()
    assert [r.action for r in second.rows] == ["unchanged", "updated"]
    db.expire_all()
    assert (c1.active, c2.active, c2.capacity) == (False, False, "月产 5 吨")


def test_blank_cells_keep_what_is_stored_the_kind_too(db, companies, tmp_path):
    buyer = companies["buyer"].name
    header = ["需求编号", "需求企业", "需求类型", "需求名称", "预算", "账期", "截止日期", "数量", "单位", "资质要求"]
    first = run_import(db, "demands", _csv(tmp_path / "a.csv", header, [
        ["D1", buyer, "揭榜挂帅", "攻关", "2000万", "60", in_days(40).isoformat(), "3", "套", "ISO 9001"],
        ["D2", buyer, "", "采购", "", "", "", "", "", ""]]))
    db.commit()
    d1, d2 = (db.get(Demand, r.entity_id) for r in first.rows)
    assert (d1.kind, d2.kind) == ("challenge", "procurement"), "a new demand without a kind is a procurement"
    again = run_import(db, "demands", _csv(tmp_path / "b.csv", header, [
        ["D1", buyer, "", "攻关", "", "", "", "", "", ""]]))
    db.commit()
    assert [r.action for r in again.rows] == ["unchanged"]
    db.expire_all()
    assert (d1.kind, d1.budget, d1.payment_days, d1.deadline, d1.quantity, d1.unit, d1.required_qualifications) == (
        "challenge", Decimal("20000000.00"), 60, in_days(40), Decimal("3.00"), "套", ["ISO 9001"])


def test_a_long_import_stamps_its_postings_when_it_ends(db, companies, tmp_path, monkeypatch):
    """The engines read back rows by update time (CLOCK_SLACK): rows are stamped when the import
    ends, not when their chunk was read, and their search entries carry that very stamp."""
    import datetime as dt

    from matchmaker.services.imports import postings as postings_module
    from matchmaker.services.imports import run as run_module
    monkeypatch.setattr(run_module, "CHUNK", 1)
    started = []
    finish = postings_module.PostingImport.finish
    monkeypatch.setattr(postings_module.PostingImport, "finish",
                        lambda self: (started.append(dt.datetime.now(dt.UTC)), finish(self))[1])
    sme = companies["sme"].name
    path = _csv(tmp_path / "caps.csv", ["编号", "企业", "能力名称"], [
        ["C1", sme, "引线框架"], ["C2", sme, "金键合丝"], ["C3", sme, "塑封料"]])
    run_import(db, "capabilities", path)
    db.commit()
    db.expire_all()
    stamps = {c.updated_at.replace(tzinfo=None) for c in db.scalars(select(Capability))}
    assert len(stamps) == 1 and stamps.pop() >= started[0].replace(tzinfo=None)
    entries = {(e.object_id, e.source_updated_at) for e in db.scalars(
        select(SearchEntry).where(SearchEntry.object_type == "capability"))}
    assert entries == {(c.id, c.updated_at) for c in db.scalars(select(Capability))}
    assert search.sync_index(db) == 0, "nothing left for the index to redo"


# --------------------------------------------------------------------------- participants

@pytest.fixture
def fair(db, companies):
    import datetime as dt
    event = Event(name="苏州封测供需对接会", date=dt.date.today() + dt.timedelta(days=20), tables=5, status="open",
                  slots=["09:00", "09:20"])
    db.add(event)
    db.flush()
    db.add(EventParticipant(event_id=event.id, enterprise_id=companies["unknown"].id, role="supplier",
                            status="pending"))
    db.commit()
    return event


def test_participants_are_registered_approved_for_the_event(db, companies, fair, tmp_path):
    path = _csv(tmp_path / "p.csv", ["企业名称", "参会身份", "桌号", "最多洽谈场次"], [
        ["示范封测集团有限公司", "采购方", "2", "6"],
        ["苏州键合材料有限公司", "供应商", "", ""],
        ["待划型企业有限公司", "供应方", "", "4"],
        ["不存在的企业有限公司", "供应方", "", ""],
        ["苏州键合材料有限公司", "供应方", "", ""],
        ["示范封测集团有限公司", "采购方", "9", ""],
    ])
    with pytest.raises(ImportRefused) as refused:
        run_import(db, "participants", path)
    assert "--event" in refused.value.en
    result = run_import(db, "participants", path, event_id=fair.id)
    db.commit()
    assert counts(result) == {"created": 2, "updated": 1, "unchanged": 0, "rejected": 3, "review": 0}
    assert {p.row: p.column for p in result.problems} == {5: "enterprise", 6: "enterprise", 7: "enterprise"}
    db.expire_all()
    people = {p.enterprise_id: p for p in db.scalars(select(EventParticipant).where(
        EventParticipant.event_id == fair.id))}
    buyer = people[companies["buyer"].id]
    assert (buyer.role, buyer.status, buyer.table, buyer.max_meetings) == ("buyer", "approved", 2, 6)
    assert people[companies["unknown"].id].status == "approved" and people[companies["unknown"].id].max_meetings == 4
    again = run_import(db, "participants", path, event_id=fair.id)
    assert counts(again) == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 3, "review": 0}


def test_only_the_fair_organisers_import_its_participants(db, companies, fair, tmp_path):
    path = _csv(tmp_path / "p.csv", ["企业名称", "参会身份"], [["示范封测集团有限公司", "采购方"]])
    stranger = h.user(db, role="organiser", organisation="别的协会")
    with pytest.raises(ImportRefused):
        run_import(db, "participants", path, event_id=fair.id, actor=stranger)
    admin = h.user(db, role="admin")
    assert counts(run_import(db, "participants", path, event_id=fair.id, actor=admin))["created"] == 1
    [entry] = db.scalars(select(AuditLog).where(AuditLog.action == "event.register")).all()
    assert (entry.user_id, entry.details["enterprise"]) == (admin.id, companies["buyer"].id)


def test_participants_are_registered_by_the_sites_services(db, companies, fair, tmp_path):
    path = _csv(tmp_path / "p.csv", ["企业名称", "参会身份", "桌号"], [
        ["苏州键合材料有限公司", "供应方", "3"],
        ["示范封测集团有限公司", "采购方", "9"],
        ["待划型企业有限公司", "供应方", ""],
    ])
    h.user(db, companies["sme"])
    db.commit()
    before = {model: db.scalar(select(func.count()).select_from(model))
              for model in (EventParticipant, Notification, AuditLog)}
    dry = run_import(db, "participants", path, event_id=fair.id, dry_run=True)
    db.commit()
    assert {model: db.scalar(select(func.count()).select_from(model)) for model in before} == before, (
        "a dry run writes nothing")
    result = run_import(db, "participants", path, event_id=fair.id)
    db.commit()
    assert [(r.row, r.action) for r in result.rows] == [(r.row, r.action) for r in dry.rows] == [
        (2, "rejected"), (3, "rejected"), (4, "updated")]
    assert {p.row: p.column for p in result.problems} == {2: "table", 3: "table"}
    assert "Only buyers get a fixed table" in result.problems[0].reason_en
    assert "只有采购方可以固定桌号" in result.problems[0].reason_zh
    assert "Tables run from 1 to 5" in result.problems[1].reason_en
    registered = {p.enterprise_id for p in db.scalars(select(EventParticipant).where(
        EventParticipant.event_id == fair.id))}
    assert registered == {companies["unknown"].id}, "a row refused halfway leaves no registration behind"
    assert db.scalar(select(func.count()).select_from(Notification)) == before[Notification]
    assert db.scalar(select(AuditLog.action).where(AuditLog.action == "event.review")) == "event.review"


def test_a_fair_for_verified_organisations_refuses_unverified_rows_on_the_enterprise_column(
        db, companies, fair, tmp_path):
    """An import has no box to confirm an unverified organisation: such a row is refused on its
    enterprise, saying how to invite it all the same, and a pending one stays pending."""
    fair.unverified_may_register = False
    companies["unknown"].verified = False  # registered (pending) while the fair still admitted everyone
    db.add(Enterprise(name="未核验协作有限公司", uscc=h.make_uscc(990_201), region="江苏省", verified=False,
                      contact={}, chains=[]))
    db.commit()
    path = _csv(tmp_path / "p.csv", ["企业名称", "参会身份"], [
        ["未核验协作有限公司", "供应方"], ["待划型企业有限公司", "供应方"], ["苏州键合材料有限公司", "供应方"]])
    result = run_import(db, "participants", path, event_id=fair.id)
    db.commit()
    assert [(r.row, r.action) for r in result.rows] == [(2, "rejected"), (3, "rejected"), (4, "created")]
    assert {p.row: p.column for p in result.problems} == {2: "enterprise", 3: "enterprise"}
    for problem in result.problems:
        assert "本场只接受已核验单位" in problem.reason_zh and "逐个代报名并确认" in problem.reason_zh
        assert "admits only verified organisations" in problem.reason_en and "one by one" in problem.reason_en
        assert "勾选" not in problem.reason_zh and "tick" not in problem.reason_en
    db.expire_all()
    people = {p.enterprise_id: p.status for p in db.scalars(select(EventParticipant).where(
        EventParticipant.event_id == fair.id))}
    assert people == {companies["unknown"].id: "pending", companies["sme"].id: "approved"}
    assert not db.scalars(select(AuditLog).where(AuditLog.action == "event.review")).all()


# --------------------------------------------------------------------------- who may change what

def test_an_organiser_changes_no_enterprise_its_members_look_after(db, companies, tmp_path):
    buyer = companies["buyer"]
    buyer.contact = {"email": "real@buyer.example"}
    h.user(db, buyer)
    held = Enterprise(name="组织方登记企业有限公司", uscc=h.make_uscc(990_001), region="江苏省", contact={}, chains=[])
    db.add(held)
    organiser = h.user(db, None, role="organiser")
    db.commit()
    path = _csv(tmp_path / "upload-7f3a.csv", ["企业名称", "统一社会信用代码", "联系邮箱", "从业人员", "营业收入", "行业", "资质"], [
        ["示范封测集团（已更名）有限公司", buyer.uscc, "attacker@evil.example", "10", "100万", "工业", "专精特新"],
        ["示范封测集团有限公司", buyer.uscc, "real@buyer.example", "", "", "", ""],
        ["组织方登记企业有限公司", held.uscc, "new@held.example", "", "", "", "ISO 9001"],
        ["新登记企业有限公司", "", "", "", "", "", ""],
    ])
    result = run_import(db, "enterprises", path, actor=organiser, filename="企业名单.csv")
    db.commit()
    assert [(r.row, r.action) for r in result.rows] == [(2, "rejected"), (3, "unchanged"), (4, "updated"),
                                                         (5, "created")]
    [problem] = result.problems
    assert "managed by its own members" in problem.reason_en and "ask them or an admin" in problem.reason_en
    assert "成员" in problem.reason_zh and "管理员" in problem.reason_zh
    db.expire_all()
    stored = db.get(Enterprise, buyer.id)
    assert (stored.name, stored.contact, stored.size, stored.verified) == (
        "示范封测集团有限公司", {"email": "real@buyer.example"}, "large", True)
    assert [q.name for q in stored.qualifications] == []
    assert db.get(Enterprise, held.id).contact == {"email": "new@held.example"}, "records an organiser holds"

    entries = db.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert {(e.action, e.object_id) for e in entries} == {
        ("enterprise.update", str(held.id)), ("qualification.claim", str(db.get(Enterprise, held.id).qualifications[0].id)),
        ("enterprise.create", str(result.rows[3].entity_id)), ("import.enterprises", None)}
    assert all(e.user_id == organiser.id for e in entries)
    update = next(e for e in entries if e.action == "enterprise.update")
    assert update.details["changed"] == {"contact": [{}, {"email": "new@held.example"}]}
    summary = next(e for e in entries if e.action == "import.enterprises")
    assert summary.details["file"] == "企业名单.csv", "the user's own file name, not the stored one"

    admin = h.user(db, None, role="admin")
    db.commit()
    by_admin = run_import(db, "enterprises", path, actor=admin)
    db.commit()
    assert by_admin.rows[0].action == "updated", "admins correct any enterprise"
    assert db.get(Enterprise, buyer.id).contact == {"email": "attacker@evil.example"}


def test_a_regional_organiser_imports_only_enterprises_of_its_region(db, tmp_path):
    """A city bureau's import creates and updates the enterprises of its city only; every other row is
    reported, and the good rows are kept."""
    there = Enterprise(name="南京外地企业有限公司", uscc=h.make_uscc(990_101), region="江苏省", city="南京",
                       contact={}, chains=[])
    here = Enterprise(name="苏州本地企业有限公司", uscc=h.make_uscc(990_102), region="江苏省", city="苏州",
                      contact={}, chains=[])
    leaving = Enterprise(name="苏州搬迁企业有限公司", uscc=h.make_uscc(990_103), region="江苏省", city="苏州",
                         contact={}, chains=[])
    db.add_all([there, here, leaving])
    organiser = h.user(db, None, role="organiser")
    organiser.scope_level, organiser.scope_province, organiser.scope_city = "city", "江苏省", "苏州市"
    db.commit()
    path = _csv(tmp_path / "region.csv", ["企业名称", "统一社会信用代码", "省份", "城市", "联系邮箱"], [
        ["南京外地企业有限公司", there.uscc, "", "", "x@there.example"],
        ["苏州本地企业有限公司", here.uscc, "", "", "y@here.example"],
        ["姑苏精工科技有限公司", "", "江苏省", "苏州", ""],
        ["杭州新企业有限公司", "", "浙江省", "杭州", ""],
        ["苏州搬迁企业有限公司", leaving.uscc, "浙江省", "杭州", ""],
    ])
    result = run_import(db, "enterprises", path, actor=organiser)
    db.commit()
    assert [r.action for r in result.rows] == ["rejected", "updated", "created", "rejected", "rejected"]
    assert [("管辖范围（江苏省苏州市）" in p.reason_zh, p.row) for p in result.problems] == [(True, 2), (True, 5), (True, 6)], [p.reason_zh for p in result.problems]
    db.expire_all()
    assert db.get(Enterprise, there.id).contact == {} and db.get(Enterprise, here.id).contact == {"email": "y@here.example"}
    assert db.scalar(select(Enterprise).where(Enterprise.name == "杭州新企业有限公司")) is None
    assert db.get(Enterprise, leaving.id).region == "江苏省", "not moved out of the region by an import"


def test_a_regional_organiser_imports_postings_only_for_enterprises_of_its_region(db, tmp_path):
    there = Enterprise(name="广州外地企业有限公司", uscc=h.make_uscc(990_201), region="广东省", city="广州",
                       contact={}, chains=[])
    here = Enterprise(name="苏州本地制造有限公司", uscc=h.make_uscc(990_202), region="江苏省", city="苏州",
                      contact={}, chains=[])
    db.add_all([there, here])
    organiser = h.user(db, None, role="organiser")
    organiser.scope_level, organiser.scope_province, organiser.scope_city = "city", "江苏省", "苏州"
    db.commit()
    path = _csv(tmp_path / "demands.csv", ["编号", "企业名称", "统一社会信用代码", "标题", "需求描述"], [
        ["D-1", "广州外地企业有限公司", there.uscc, "外地需求", "不应导入"],
        ["D-2", "苏州本地制造有限公司", here.uscc, "本地需求", "应导入"],
    ])
    result = run_import(db, "demands", path, actor=organiser)
    db.commit()
    assert [r.action for r in result.rows] == ["rejected", "created"]
    assert "管辖范围" in result.problems[0].reason_zh
    assert db.scalar(select(Demand).where(Demand.title == "外地需求")) is None


def test_an_organiser_posts_nothing_for_an_enterprise_its_members_look_after(db, companies, tmp_path):
    buyer, sme, unknown = companies["buyer"], companies["sme"], companies["unknown"]
    h.user(db, buyer)
    sme.verified = False  # no member, not verified: a record the organisers hold
    organiser, admin = h.user(db, None, role="organiser"), h.user(db, None, role="admin")
    db.commit()
    demands = _csv(tmp_path / "d.csv", ["编号", "企业", "标题", "账期"], [["D1", buyer.name, "键合丝", "60"]])
    refused = run_import(db, "demands", demands, actor=organiser)
    assert counts(refused)["rejected"] == 1 and "managed by its own members" in refused.problems[0].reason_en
    caps = _csv(tmp_path / "c.csv", ["编号", "企业", "标题", "资质"], [
        ["C1", sme.name, "金键合丝", "ISO 9001"], ["C2", unknown.name, "塑封料", ""]])
    by_organiser = run_import(db, "capabilities", caps, actor=organiser)
    db.commit()
    assert [r.action for r in by_organiser.rows] == ["created", "rejected"]
    by_admin = run_import(db, "capabilities", caps, actor=admin)
    db.commit()
    assert [r.action for r in by_admin.rows] == ["unchanged", "created"]
    assert [r.action for r in run_import(db, "capabilities", caps, actor=organiser).rows] == [
        "unchanged", "unchanged"], "a row that changes nothing is not refused"
    assert counts(run_import(db, "demands", demands, actor=admin))["created"] == 1
    db.commit()
    actions = sorted((e.action, e.user_id) for e in db.scalars(select(AuditLog)) if not e.action.startswith("import."))
    assert actions == sorted([("capability.create", organiser.id), ("qualification.claim", organiser.id),
                              ("capability.create", admin.id), ("demand.create", admin.id)])


def test_the_sites_rules_clean_the_rows(db, tmp_path):
    path = _csv(tmp_path / "e.csv", ["企业名称", "资质", "地区"], [
        ["长资质企业有限公司", "长" * 90, "江苏"], ["火星企业有限公司", "", "火星"]])
    result = run_import(db, "enterprises", path)
    db.commit()
    assert [r.action for r in result.rows] == ["created", "rejected"]
    assert [q.name for q in db.get(Enterprise, result.rows[0].entity_id).qualifications] == ["长" * 80], (
        "a long qualification name is cut at 80 characters, as on the site")
    assert (result.problems[0].reason_zh, result.problems[0].reason_en) == ("无法识别的省份：火星", "Unknown province: 火星")


def test_a_refused_file_is_named_as_the_user_named_it(db, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        run_import(db, "capabilities", tmp_path / "3f9c2e.xlsx", filename="能力清单.xlsx")
    assert refused.value.en.startswith("cannot read 能力清单.xlsx") and "能力清单.xlsx" in refused.value.zh


# --------------------------------------------------------------------------- results and the command line

def test_a_result_survives_a_json_round_trip(db, messy_file):
    stored_enterprises(db)
    result = run_import(db, "enterprises", messy_file, dry_run=True)
    copy = ImportResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert copy == result
    assert copy.summary("zh").startswith("新建 4 条，更新 1 条，未变 1 条，拒绝 5 条")


def _cli(app, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    return CliRunner().invoke(main, ["import", *map(str, args)])


def test_the_command_imports_reports_and_changes_nothing_the_second_time(app, db, tmp_path, monkeypatch):
    stored_enterprises(db)
    db.close()
    path = tmp_path / "list.xlsx"
    write_messy_xlsx(path)
    report = tmp_path / "report.xlsx"
    dry = _cli(app, monkeypatch, "enterprises", path, "--dry-run", "--report", report)
    assert dry.exit_code == 0, dry.output
    assert "4 created, 1 updated, 1 unchanged, 5 rejected, 1 to review" in dry.stdout
    assert "row 8 credit_code" in dry.stdout and "similar names (score >= 90)" in dry.stdout
    assert "importing" in dry.stderr
    assert openpyxl.load_workbook(report).sheetnames == ["Summary", "Problems", "Similar names", "Rows"]
    assert db.scalar(select(func.count()).select_from(Enterprise)) == 3
    first = _cli(app, monkeypatch, "enterprises", path, "--link-similar")
    assert first.exit_code == 0 and "4 created, 1 updated, 2 unchanged, 5 rejected" in first.stdout
    second = _cli(app, monkeypatch, "enterprises", path, "--link-similar", "--lang", "zh")
    assert second.exit_code == 0
    assert "新建 0 条，更新 0 条" in second.stdout
    english = _cli(app, monkeypatch, "enterprises", path, "--link-similar")
    assert "0 created, 0 updated, 7 unchanged, 5 rejected" in english.stdout


def test_the_command_fails_with_one_line_when_nothing_can_be_imported(app, tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text("企业名称,统一社会信用代码\n坏代码有限公司,123\n", encoding="utf-8")
    result = _cli(app, monkeypatch, "enterprises", bad)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == "error: no row could be imported"
    missing = _cli(app, monkeypatch, "capabilities", tmp_path / "nope.xlsx")
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert missing.stderr.strip().startswith("error: cannot read nope.xlsx")
    no_event = _cli(app, monkeypatch, "participants", bad, "--event", "999")
    assert no_event.exit_code == 1 and no_event.stderr.strip() == "error: no fair with id 999"


def test_the_command_says_so_when_the_database_is_down(tmp_path, monkeypatch):
    path = tmp_path / "e.csv"
    path.write_text("企业名称\n某某有限公司\n", encoding="utf-8")
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    result = CliRunner().invoke(main, ["import", "enterprises", str(path)])
    assert result.exit_code == 69 and isinstance(result.exception, SystemExit)  # EX_UNAVAILABLE
    assert result.stderr.startswith("数据库无法使用") and "The database cannot be used" in result.stderr
    assert "Traceback" not in result.output


def test_the_command_knows_every_import_kind():
    from matchmaker.commands import imports as command
    assert command._KINDS == IMPORT_KINDS
