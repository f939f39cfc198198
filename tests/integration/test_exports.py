"""Every spreadsheet the site and the command line write keeps typed text from running as a formula.

The test finds the exports by itself: every GET route whose rule mentions
``export``, ``.xlsx`` or ``.csv``, and every command with an output file option.
Each must be listed below with a way to fetch it, so a new export without a test
makes this module fail. Every file is then produced from data whose typed text
starts with = + - @ tab or CR, and no cell may be a formula or begin with one.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import click
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import event

from matchmaker.cli import main as cli_main
from matchmaker.commands.exports import export_command
from matchmaker.db import get_engine
from matchmaker.io.sheets import FORMULA_START
from matchmaker.models import Application, ImportRun, Meeting, Qualification
from matchmaker.services import exports as export_service
from matchmaker.services.imports import ImportResult, Similar
from tests.integration import events_support as ev
from tests.integration import helpers as h

DANGEROUS = ['=HYPERLINK("http://evil.example","点我")', "+86 512 6666 8888", "-2+3", "@SUM(A1:A2)",
             "\t缩进的名称", "\r回车开头"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPREADSHEET_FORMATS = ("xlsx", "csv")
#: Rows of each export of the ``world`` fixture: a buyer and a supplier per text and one member's
#: enterprise; a demand, capability and application per text, and one draft demand.
EXPECTED_ROWS = {"enterprises": 2 * len(DANGEROUS) + 1, "demands": len(DANGEROUS) + 1,
                 "capabilities": len(DANGEROUS), "applications": len(DANGEROUS)}


@pytest.fixture
def world(db):
    """Enterprises, postings, applications and a fair whose typed texts all look like formulas."""
    admin = h.user(db, role="admin")
    organiser = ev.organiser(db)
    member_ent = h.enterprise(db, name="普通会员企业有限公司")
    member = h.user(db, member_ent)
    buyers, suppliers = [], []
    for i, text in enumerate(DANGEROUS):
        buyer = h.enterprise(db, name=f"{text}采购{i}", size="large", description=text,
                             contact={"person": text, "phone": "+86 512 6666", "email": "@example"})
        buyer.qualifications.append(Qualification(name=text, canonical=f"{text}{i}"))
        supplier = h.enterprise(db, name=f"{text}供应{i}", size="small")
        demand = h.demand(db, buyer, title=text, description=text, required_qualifications=[text],
                          region=text[:20], ref=f"{text[:30]}{i}")
        capability = h.capability(db, supplier, title=text, description=text, qualifications=[text],
                                  chain_nodes=[text], active=True)
        db.add(Application(demand_id=demand.id, enterprise_id=supplier.id, capability_id=capability.id,
                           proposal=text, message=text, price=-5))
        buyers.append(buyer)
        suppliers.append(supplier)
    h.demand(db, buyers[0], title="=草稿需求", status="draft")
    fair = ev.make_event(db, organiser, name="=对接会")
    for i, (buyer, supplier) in enumerate(zip(buyers, suppliers)):
        b = ev.participant(db, fair, buyer, "buyer")
        s = ev.participant(db, fair, supplier, "supplier")
        db.add(Meeting(event_id=fair.id, buyer_id=b.id, supplier_id=s.id, slot=fair.slots[i % len(fair.slots)],
                       table=i + 1, uid=f"export-test-{i}", intent=True, stage="intent"))
    report = ImportResult(kind="enterprises", dry_run=True, threshold=90.0)
    for row, text in enumerate(DANGEROUS, start=2):
        report.reject(row, "name", text, f"{text}（原因）", f"{text} (reason)", label=text)
        report.similar.append(Similar(row, text, buyers[0].id, text, 95.0))
    run = ImportRun(user_id=organiser.id, kind="enterprises", filename=f"{DANGEROUS[0]}.csv", stored_name="x.csv",
                    size=1, dry_run=True, state="done", result=report.to_dict())
    db.add(run)
    db.commit()
    return {"admin": admin, "organiser": organiser, "member": member, "event": fair, "import_run": run}


# --- what counts as an export ---------------------------------------------------------------------

def _export_endpoints(app) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        text = rule.rule.lower()
        if "GET" in rule.methods and ("export" in text or ".xlsx" in text or ".csv" in text
                                      or "xlsx" in text or "csv" in text):
            found.add(rule.endpoint)
    return found


def _exports_downloads(world):
    return [(world["admin"], f"/exports/{kind}.{fmt}") for kind in export_service.EXPORT_KINDS
            for fmt in SPREADSHEET_FORMATS] + [
        (world["organiser"], f"/exports/{kind}.{fmt}") for kind in ("enterprises", "demands", "capabilities")
        for fmt in SPREADSHEET_FORMATS]


def _schedule_workbook(world):
    return [(world["organiser"], f"/events/{world['event'].id}/export.xlsx")]


def _import_report(world):
    return [(world["organiser"], f"/imports/{world['import_run'].id}/report.xlsx")]


#: Endpoint -> (user, url) pairs that fetch its files from the ``world`` fixture.
WEB_EXPORTS = {
    "exports.download": _exports_downloads,
    "event_schedule.export_xlsx": _schedule_workbook,
    "imports.report": _import_report,
    "followup.event_csv": lambda world: [(world["organiser"], f"/events/{world['event'].id}/followup.csv")],
    "reports.export": lambda world: [(world["organiser"], "/reports/export.xlsx")],
}
#: Endpoints the rule search finds that are pages or files other than spreadsheets.
WEB_OTHER = {"exports.index": "a page", "chains.export": "the chain graph as JSON or GraphML"}

#: Commands (by their path in ``matchmaker``) that take an output file, and whether it is a spreadsheet.
CLI_SPREADSHEETS = {"export", "import", "match", "schedule"}
CLI_OTHER_FILES = {
    "chains export": "a chain graph as JSON",
    "chains svg": "an SVG picture",
    "tune": "the engine's weights as JSON",
}


def _commands_with_output(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from _commands_with_output(command, f"{path} ")
        elif any(isinstance(p, click.Option) and set(p.opts) & {"--out", "--report", "-o"} for p in command.params):
            yield path


def test_every_web_export_is_covered(app):
    assert _export_endpoints(app) == set(WEB_EXPORTS) | set(WEB_OTHER)


def test_every_command_writing_files_is_covered():
    assert set(_commands_with_output(cli_main)) == CLI_SPREADSHEETS | set(CLI_OTHER_FILES)


# --- checking files ----------------------------------------------------------------------------------

def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _guarded(value) -> bool:
    return not (isinstance(value, str) and value[:1] in FORMULA_START)


def _guarded_csv(cell: str) -> bool:
    # A CSV cell of a number (a negative price) is read as that number, never as a formula.
    return _guarded(cell) or _number(cell)


def _xlsx_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    formulas = [c.coordinate for c in cells if c.data_type == "f" or str(c.value or "").startswith("=")]
    assert formulas == [], f"formula cells: {formulas}"
    assert all(_guarded(c.value) for c in cells), [c.value for c in cells if not _guarded(c.value)]
    return [c.value for c in cells]


def _csv_cells(data: bytes) -> list:
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert all(_guarded_csv(c) for c in cells), [c for c in cells if not _guarded_csv(c)]
    return cells


def _check(data: bytes, fmt: str) -> list:
    """The cells of a file, after checking that none is a formula; and that the dangerous texts are there."""
    cells = _xlsx_cells(data) if fmt == "xlsx" else _csv_cells(data)
    texts = [c for c in cells if isinstance(c, str)]
    # The typed texts really reach the file, guarded (so this test can fail).
    assert any(t.startswith("'=") for t in texts), texts[:20]
    assert any(t.startswith(("'@", "'-", "'+")) for t in texts)
    return cells


# --- the site ----------------------------------------------------------------------------------------

@pytest.fixture
def writes(app):
    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE"):
            sent.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("endpoint", sorted(WEB_EXPORTS))
def test_web_exports_hold_no_formula_and_write_nothing(client, world, writes, endpoint):
    for user, url in WEB_EXPORTS[endpoint](world):
        ev.as_user(client, user)
        writes.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        assert writes == [], url
        fmt = "xlsx" if response.mimetype == XLSX else "csv"
        assert response.mimetype in (XLSX, "text/csv"), (url, response.mimetype)
        _check(response.data, fmt)


# --- the command line --------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", SPREADSHEET_FORMATS)
def test_cli_export_holds_no_formula(app, world, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr("matchmaker.commands.exports._app", lambda: app)
    for kind in export_service.EXPORT_KINDS:
        out = tmp_path / f"{kind}.{fmt}"
        result = CliRunner().invoke(export_command, [kind, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert result.output == f"{EXPECTED_ROWS[kind]} {kind} written to {out}\n"
        _check(out.read_bytes(), fmt)


def test_cli_schedule_holds_no_formula(tmp_path):
    from matchmaker.commands.schedule import schedule_command

    ids = ["=B1", "+B2", "-S1", "@S2", "\tS3"]
    problem = {"slots": ["09:00"], "tables": 1,
               "participants": [{"id": ids[0], "role": "buyer"}, {"id": ids[1], "role": "buyer"},
                                {"id": ids[2], "role": "supplier"}, {"id": ids[3], "role": "supplier"},
                                {"id": ids[4], "role": "supplier"}],
               "requests": [{"buyer": ids[0], "supplier": ids[2], "priority": 3},
                            {"buyer": ids[1], "supplier": ids[3]}, {"buyer": ids[0], "supplier": ids[4]}]}
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(problem), encoding="utf-8")
    out = tmp_path / "schedule.csv"
    result = CliRunner().invoke(schedule_command, [str(event_file), "--out", str(out), "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    scheduled = _check(out.read_bytes(), "csv")
    left = _csv_cells((tmp_path / "schedule.unscheduled.csv").read_bytes())
    assert "'=B1" in scheduled and {"'+B2", "'@S2"} <= set(left)
    # The written schedule is read back as the published one, ids unguarded.
    again = CliRunner().invoke(schedule_command, [str(event_file), "--out", str(tmp_path / "next.csv"),
                                                  "--previous", str(out), "--no-moves", "--time-limit", "2"])
    assert again.exit_code == 0, again.output
    assert "0 moved, 0 removed" in again.output


@pytest.mark.parametrize("fmt", SPREADSHEET_FORMATS)
def test_cli_match_holds_no_formula(tmp_path, fmt):
    from matchmaker.commands.match import match

    demands = tmp_path / "demands.jsonl"
    capabilities = tmp_path / "capabilities.jsonl"
    demands.write_text("\n".join(json.dumps({"id": i, "enterprise": "=买方", "title": "光伏银浆采购",
                                             "description": "正面银浆 低温银浆"}, ensure_ascii=False)
                                 for i in ("=D1", "@D2")), encoding="utf-8")
    capabilities.write_text("\n".join(json.dumps({"id": i, "enterprise": "+卖方", "title": "低温银浆供应",
                                                  "description": "正面银浆 光伏"}, ensure_ascii=False)
                                      for i in ("-C1", "+C2")), encoding="utf-8")
    out = tmp_path / f"ranking.{fmt}"
    result = CliRunner().invoke(match, ["--demands", str(demands), "--capabilities", str(capabilities),
                                        "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    cells = _check(out.read_bytes(), fmt)
    assert {"'=D1", "'@D2", "'-C1", "'+C2"} <= set(cells)


def test_cli_import_report_holds_no_formula(app, tmp_path, monkeypatch):
    from matchmaker.commands.imports import import_command

    monkeypatch.setattr("matchmaker.commands.imports._app", lambda: app)
    source = tmp_path / "enterprises.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["企业名称", "统一社会信用代码", "行业", "从业人员"])
        for i, text in enumerate(DANGEROUS):
            writer.writerow([f"{text}企业{i}", f"={i}", "工业", "12"])  # a bad credit code: rejected
        writer.writerow(["=正常企业有限公司", h.make_uscc(990001), "工业", "12"])
    report = tmp_path / "report.xlsx"
    result = CliRunner().invoke(import_command, ["enterprises", str(source), "--dry-run", "--report", str(report)])
    assert result.exit_code == 0, result.output
    cells = _check(report.read_bytes(), "xlsx")
    assert "'=正常企业有限公司" in cells


def test_cli_export_errors_are_one_line(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr("matchmaker.commands.exports._app", lambda: app)
    monkeypatch.delenv("MATCHMAKER_BASE_URL", raising=False)
    runner = CliRunner()
    folder = tmp_path / "out"
    folder.mkdir()

    def run(*args):
        result = runner.invoke(export_command, list(args))
        return result.exit_code, result.output.strip()

    code, out = run("demands", "--out", str(folder / "missing" / "d.csv"))
    assert code == 1 and out.startswith("Error: ") and "does not exist" in out and "\n" not in out
    code, out = run("demands", "--out", str(folder / "d.ods"))
    assert code == 2 and "--format" in out and "\n" not in out
    code, out = run("demands", "--out", str(folder))
    assert code == 1 and "is a folder" in out
    code, out = run("demands", "--out", str(folder / ("长" * 100 + ".csv")))  # a name too long to create
    assert code == 1 and out.startswith("Error: cannot write ") and "\n" not in out
    assert list(folder.iterdir()) == []
    code, out = run("ocds", "--out", str(folder / "r.json"))
    assert code == 2 and "--base-url" in out and "MATCHMAKER_BASE_URL" in out
    code, out = run("ocds", "--out", str(folder / "r.json"), "--base-url", "match.example.org")
    assert code == 2 and "--base-url" in out
    code, out = run("demands", "--out", str(folder / "d.txt"), "--format", "jsonl")
    assert (code, out) == (0, f"0 demands written to {folder / 'd.txt'}")
    code, out = run("enterprises", "--out", str(folder / "e.xlsx"), "--header", "en")
    assert code == 0 and openpyxl.load_workbook(folder / "e.xlsx").worksheets[0]["A1"].value == "name"


# --- who may export what -----------------------------------------------------------------------------

def test_exports_need_an_organiser_or_an_admin(client, world, writes):
    ev.as_user(client, None)
    response = client.get("/exports/enterprises.xlsx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    ev.as_user(client, world["member"])
    assert client.get("/exports/enterprises.xlsx").status_code == 403
    assert client.get("/exports/").status_code == 403
    ev.as_user(client, world["organiser"])
    assert client.get("/exports/applications.csv").status_code == 403
    assert client.get("/exports/other.csv").status_code == 404
    assert client.get("/exports/demands.ods").status_code == 404
    page = client.get("/exports/").get_data(as_text=True)
    assert "/exports/demands.xlsx" in page and "/exports/applications" not in page
    ev.as_user(client, world["admin"])
    assert "/exports/applications.xlsx" in client.get("/exports/").get_data(as_text=True)
    assert writes == []


def test_organisers_export_published_demands_only(client, world):
    ev.as_user(client, world["organiser"])
    response = client.get("/exports/demands.jsonl")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    titles = [json.loads(line)["title"] for line in response.get_data(as_text=True).splitlines()]
    assert sorted(titles) == sorted(DANGEROUS)  # JSON Lines keep the text as typed
    ev.as_user(client, world["admin"])
    titles = [json.loads(line)["title"] for line in client.get("/exports/demands.jsonl").get_data(as_text=True)
              .splitlines()]
    assert "=草稿需求" in titles


def test_list_pages_offer_downloads_to_organisers_only(client, world):
    pages = {"/enterprises/": "enterprises", "/demands/": "demands", "/capabilities/": "capabilities"}
    for user in (None, world["member"]):
        ev.as_user(client, user)
        for url in pages:
            assert "/exports/" not in client.get(url).get_data(as_text=True), url
    for user in (world["organiser"], world["admin"]):
        ev.as_user(client, user)
        for url, kind in pages.items():
            assert f"/exports/{kind}.xlsx" in client.get(url).get_data(as_text=True), url
    assert "/exports/enterprises.csv" in client.get("/admin/enterprises").get_data(as_text=True)


def test_english_users_get_english_headers(client, world):
    ev.as_user(client, world["admin"])
    zh = _csv_cells(client.get("/exports/capabilities.csv").data)
    ev.fresh()
    en = _csv_cells(client.get("/exports/capabilities.csv?lang=en").data)
    header = export_service.export_header("capabilities")
    assert en[:len(header)] == header
    assert zh[:3] == ["编号", "企业", "统一社会信用代码"]



# --- the applications export -------------------------------------------------------------------------

def _china(value) -> str:
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")


def test_the_applications_export_lists_every_state(db, tmp_path):
    """One row per application whatever its state, with its demand, both enterprises, capability and
    price; it is for reading only: no import takes applications."""
    from matchmaker.models.posting import APPLICATION_STATUSES
    from matchmaker.services.imports import ImportRefused, run_import

    buyer = h.enterprise(db, name="苏州采购集团有限公司", size="large")
    demand = h.demand(db, buyer, title="伺服电机采购", ref="SV-1")
    expected = []
    for i, status in enumerate(APPLICATION_STATUSES):
        supplier = h.enterprise(db, name=f"供应商{i}有限公司", size="small")
        capability = h.capability(db, supplier, title=f"伺服电机{i}", active=True) if i % 2 == 0 else None
        price = 100_000 * (i + 1) if i != 1 else None
        application = Application(demand_id=demand.id, enterprise_id=supplier.id,
                                  capability_id=capability.id if capability else None, proposal=f"方案{i}",
                                  price=price, status=status, message=f"回复{i}" if i % 2 else None)
        db.add(application)
        db.flush()
        expected.append(["SV-1", "伺服电机采购", buyer.name, supplier.name, supplier.uscc,
                         f"C{capability.id}" if capability else None, status, price,
                         _china(application.created_at), f"方案{i}", f"回复{i}" if i % 2 else None])
    db.commit()

    header, rows = export_service.export_records(db, "applications")
    assert header == ["demand_id", "demand_title", "buyer", "enterprise", "credit_code", "capability_id", "status",
                      "price", "submitted_at", "proposal", "message"]
    assert [row for row in rows] == expected
    assert export_service.export_header("applications", "zh") == [
        "需求编号", "需求名称", "需求企业", "申请企业", "统一社会信用代码", "能力编号", "状态", "报价", "提交时间",
        "方案说明", "回复"]
    out = tmp_path / "applications.csv"
    assert export_service.write_export(db, "applications", out, "csv") == len(APPLICATION_STATUSES)
    lines = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert lines[0][0] == "需求编号" and [line[6] for line in lines[1:]] == list(APPLICATION_STATUSES)
    with pytest.raises(ImportRefused):
        run_import(db, "applications", out)
