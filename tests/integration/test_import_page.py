"""The bulk import page: upload, preview (a dry run), confirm, summary and report, for organisers only."""
from __future__ import annotations

import datetime as dt
import io
import os
import threading
import time

import openpyxl
import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from matchmaker.db import get_engine
from matchmaker.models import AuditLog, Enterprise, EventParticipant, ImportRun
from matchmaker.models._types import utcnow
from matchmaker.services import import_runs
from matchmaker.services import imports as import_service
from tests.integration import events_support as ev
from tests.integration import helpers as h

STORED = "苏州精密传感科技有限公司"
OTHER = "无锡新能源材料有限公司"


def _csv(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode("utf-8")


def _messy_enterprises() -> bytes:
    """Chinese headers and a BOM; a new enterprise, a bad credit code, two names only similar to stored ones."""
    return _csv("企业名称,统一社会信用代码,地区,从业人员",
                f"常州新建智能装备有限公司,{h.make_uscc(91001)},江苏省,120",
                "坏代码有限公司,123456,江苏省,10",
                "苏州市精密传感科技有限公司,,江苏省,",
                "无锡市新能源材料有限公司,,江苏省,",
                bom=True)


def _upload(client, data: bytes, name: str = "企业名单.csv", kind: str = "enterprises", event: int | None = None):
    return client.post("/imports/", data={"kind": kind, "event": str(event or ""),
                                          "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _finished(db, run_id: int, timeout: float = 60) -> ImportRun:
    """The run once its job has finished (its thread joined)."""
    deadline = time.monotonic() + timeout
    while True:
        _fresh(db)
        run = db.get(ImportRun, run_id)
        if run.state in ("done", "failed"):
            break
        assert time.monotonic() < deadline, f"import run {run_id} still {run.state}"
        time.sleep(0.05)
    for thread in threading.enumerate():
        if thread.name == f"import-run-{run_id}":
            thread.join(timeout)
    _fresh(db)
    return db.get(ImportRun, run_id)


def _fresh(db) -> None:
    """Read what other sessions committed since (a rollback outside a transaction expires nothing)."""
    db.rollback()
    db.expire_all()


def _run_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _preview(client, db, data: bytes, **kw) -> ImportRun:
    return _finished(db, _run_id(_upload(client, data, **kw)))


def _english(client, url: str):
    """``url`` in English; the next request is in Chinese again."""
    ev.fresh(client)
    response = client.get(url, query_string={"lang": "en"})
    ev.fresh(client)
    return response


def _count(db, model) -> int:
    _fresh(db)
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def people(db):
    stored = h.enterprise(db, name=STORED)
    other = h.enterprise(db, name=OTHER)
    member = h.user(db, stored)
    organiser = ev.organiser(db)
    rival = ev.organiser(db, organisation="另一市工业和信息化局")
    admin = h.user(db, role="admin")
    db.commit()
    return {"stored": stored, "other": other, "member": member, "organiser": organiser, "rival": rival,
            "admin": admin}


@pytest.fixture(autouse=True)
def _no_redis(app):
    app.config["REDIS_URL"] = None


def test_only_organisers_and_admins_reach_the_page(client, db, people):
    assert client.get("/imports/").status_code == 302  # to the log-in page
    ev.as_user(client, people["member"])
    assert client.get("/imports/").status_code == 403
    assert _upload(client, _messy_enterprises()).status_code == 403
    assert _count(db, ImportRun) == 0
    for who in ("organiser", "admin"):
        ev.as_user(client, people[who])
        page = client.get("/imports/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert 'name="file"' in html and "上传并预览" in html


def test_the_preview_is_a_dry_run_that_writes_nothing(client, db, people):
    ev.as_user(client, people["organiser"])
    enterprises, audits = _count(db, Enterprise), _count(db, AuditLog)
    run = _preview(client, db, _messy_enterprises())
    assert run.state == "done" and run.dry_run and run.user_id == people["organiser"].id
    assert run.result["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1, "review": 2}
    assert (_count(db, Enterprise), _count(db, AuditLog)) == (enterprises, audits)
    assert db.scalar(select(Enterprise).where(Enterprise.name == "常州新建智能装备有限公司")) is None

    html = client.get(f"/imports/{run.id}").get_data(as_text=True)
    assert "试导入" in html and 'id="import-counts"' in html
    assert 'data-count="created"><strong>1</strong>' in html and 'data-count="rejected"><strong>1</strong>' in html
    problems = html[html.index('id="import-problems"'):html.index("</table>", html.index('id="import-problems"'))]
    assert "<td>3</td><td>统一社会信用代码</td>" in problems and "123456" in problems
    similar = html[html.index('id="import-similar"'):]
    assert f"相似度达到 {run.result['threshold']:g} 分" in html
    assert similar.count('name="link"') == 2 and "苏州市精密传感科技有限公司" in similar and STORED in similar
    assert " checked" not in similar  # nothing is linked unless the organiser ticks it
    for s in run.result["similar"]:
        assert f'value="{s["row"]}:{s["candidate_id"]}"' in similar
    english = _english(client, f"/imports/{run.id}").get_data(as_text=True)
    assert "invalid unified social credit code" in english and "<td>credit_code</td>" in english
    assert client.get(f"/imports/{run.id}/status").get_json() == {
        "id": run.id, "state": "done", "dry_run": True, "done": 4, "total": 4, "percent": 100}


def test_confirming_links_only_the_ticked_similar_rows(client, db, people):
    ev.as_user(client, people["organiser"])
    preview = _preview(client, db, _messy_enterprises())
    similar = {s["name"]: s for s in preview.result["similar"]}
    ticked = similar["苏州市精密传感科技有限公司"]
    assert ticked["candidate_id"] == people["stored"].id
    before = _count(db, Enterprise)

    offered = import_runs.link_value(ticked["row"], ticked["candidate_id"])
    other = similar["无锡市新能源材料有限公司"]
    confirm = client.post(f"/imports/{preview.id}/confirm", data={"link": [
        offered, str(other["row"]),  # a bare row number is not a confirmation
        import_runs.link_value(other["row"], people["stored"].id),  # nor a candidate the preview did not offer
        "999:1", "x"]})
    run = _finished(db, _run_id(confirm))
    assert run.state == "done" and not run.dry_run and run.preview_id == preview.id
    assert run.links == [[ticked["row"], ticked["candidate_id"]]]
    outcomes = {r["row"]: r for r in run.result["rows"]}
    assert outcomes[ticked["row"]]["entity_id"] == people["stored"].id
    assert outcomes[ticked["row"]]["action"] in ("updated", "unchanged")
    untouched = similar["无锡市新能源材料有限公司"]["row"]
    assert outcomes[untouched]["action"] == "review" and outcomes[untouched]["entity_id"] is None
    assert _count(db, Enterprise) == before + 1
    assert db.scalar(select(Enterprise).where(Enterprise.name == "常州新建智能装备有限公司")) is not None
    assert db.scalar(select(Enterprise).where(Enterprise.name == "无锡市新能源材料有限公司")) is None
    linked = {s["name"]: s["linked"] for s in run.result["similar"]}
    assert linked == {"苏州市精密传感科技有限公司": True, "无锡市新能源材料有限公司": False}

    summary = client.get(f"/imports/{run.id}").get_data(as_text=True)
    assert "导入结果" in summary and 'data-count="created"><strong>1</strong>' in summary
    assert 'name="link"' not in summary and f"/imports/{run.id}/report.xlsx" in summary
    # The preview now points to its import, and a second confirmation imports nothing twice.
    assert f"/imports/{run.id}" in client.get(f"/imports/{preview.id}").get_data(as_text=True)
    again = client.post(f"/imports/{preview.id}/confirm", data={"link": []})
    assert _run_id(again) == run.id and _count(db, ImportRun) == 2
    # The upload is removed once imported.
    settings = import_runs.ImportSettings.from_config(client.application.config, client.application.instance_path)
    assert not (settings.folder / run.stored_name).exists()


def test_the_report_downloads_as_xlsx_in_the_users_language(client, db, people):
    ev.as_user(client, people["organiser"])
    run = _preview(client, db, _messy_enterprises())
    response = client.get(f"/imports/{run.id}/report.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    problems = [tuple(r) for r in book["问题"].iter_rows(values_only=True)]
    assert problems[0] == ("行", "列", "值", "原因")
    assert problems[1][:3] == (3, "统一社会信用代码", "123456") and "统一社会信用代码无效" in problems[1][3]
    review = [r for r in book["相近名称"].iter_rows(values_only=True)][1:]
    assert {r[1] for r in review} == {"苏州市精密传感科技有限公司", "无锡市新能源材料有限公司"}
    english = openpyxl.load_workbook(io.BytesIO(_english(client, f"/imports/{run.id}/report.xlsx").data))
    row = [tuple(r) for r in english["Problems"].iter_rows(values_only=True)][1]
    assert row[:3] == (3, "credit_code", "123456") and row[3].startswith("invalid unified social credit code")


def test_someone_elses_run_is_not_found(client, db, people):
    ev.as_user(client, people["organiser"])
    run = _preview(client, db, _messy_enterprises())
    ev.as_user(client, people["rival"])
    for url in (f"/imports/{run.id}", f"/imports/{run.id}/status", f"/imports/{run.id}/report.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/imports/{run.id}/confirm", data={}).status_code == 404
    assert f"/imports/{run.id}" not in client.get("/imports/").get_data(as_text=True)
    assert _count(db, ImportRun) == 1
    ev.as_user(client, people["admin"])
    assert client.get(f"/imports/{run.id}").status_code == 200
    assert f"/imports/{run.id}" in client.get("/imports/").get_data(as_text=True)
    ev.as_user(client, people["organiser"])
    assert f"/imports/{run.id}" in client.get("/imports/").get_data(as_text=True)


def test_files_over_the_size_limit_are_refused_with_the_limit(client, db, people, app):
    app.config["MATCHMAKER_IMPORT_MAX_MB"] = 0.01  # 10,485 bytes
    ev.as_user(client, people["organiser"])
    header = "企业名称,统一社会信用代码\n"
    for size in (12_000, 200_000):  # just over the limit, and beyond the whole request's limit
        data = (header + "某某有限公司,\n" * (size // 20)).encode()
        assert len(data) > 10_485
        response = _upload(client, data)
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert "文件超过 0.01 MB 的上限" in html and 'name="file"' in html
    assert _count(db, ImportRun) == 0
    settings = import_runs.ImportSettings.from_config(app.config, app.instance_path)
    assert not settings.folder.exists() or not any(settings.folder.iterdir())
    ok = _upload(client, _messy_enterprises())
    assert _finished(db, _run_id(ok)).state == "done"


def test_an_unreadable_file_fails_the_run_and_writes_nothing(client, db, people):
    ev.as_user(client, people["organiser"])
    before = _count(db, Enterprise)
    run = _preview(client, db, _csv("公司,电话", "某某有限公司,123"), name="名单.csv")
    assert run.state == "failed" and run.result is None
    assert "名单.csv" in run.error["zh"] and "名单.csv" in run.error["en"]
    html = client.get(f"/imports/{run.id}").get_data(as_text=True)
    assert 'id="import-error"' in html and run.error["zh"] in html and "没有写入任何数据" in html
    assert run.error["en"] in _english(client, f"/imports/{run.id}").get_data(as_text=True).replace("&#34;", '"')
    assert client.get(f"/imports/{run.id}/report.xlsx").status_code == 404
    refused = client.post(f"/imports/{run.id}/confirm", data={}, follow_redirects=True)
    assert "这次预览没有成功" in refused.get_data(as_text=True)
    assert _count(db, ImportRun) == 1 and _count(db, Enterprise) == before

    not_a_workbook = _upload(client, b"name,credit_code\n", name="名单.xlsx")
    assert not_a_workbook.status_code == 400
    assert "内容与扩展名 .xlsx 不符" in not_a_workbook.get_data(as_text=True)
    wrong_type = _upload(client, b"%PDF-1.4", name="名单.pdf")
    assert wrong_type.status_code == 400 and "类型不允许" in wrong_type.get_data(as_text=True)
    assert _count(db, ImportRun) == 1


def test_participants_go_only_into_fairs_the_organiser_manages(client, db, people):
    mine = ev.make_event(db, people["organiser"])
    theirs = ev.make_event(db, people["rival"], name="另一场对接会")
    db.commit()
    ev.as_user(client, people["member"])
    assert "/imports/?kind=participants" not in client.get("/events/").get_data(as_text=True)
    ev.as_user(client, people["organiser"])
    assert "/imports/?kind=participants" in client.get("/events/").get_data(as_text=True)  # the fairs list links it
    page = client.get(f"/imports/?kind=participants&event={mine.id}").get_data(as_text=True)
    assert f'<option selected value="{mine.id}">' in page and f'value="{theirs.id}"' not in page
    data = _csv("企业名称,参会身份", f"{STORED},supplier", f"{OTHER},supplier")
    refused = _upload(client, data, kind="participants", event=theirs.id)
    assert refused.status_code == 400 and "只有本场对接会的组织方" in refused.get_data(as_text=True)
    no_event = _upload(client, data, kind="participants")
    assert no_event.status_code == 400 and "请选择对接会" in no_event.get_data(as_text=True)
    assert _count(db, ImportRun) == 0

    preview = _preview(client, db, data, kind="participants", event=mine.id)
    assert preview.event_id == mine.id and preview.result["counts"]["created"] == 2
    assert _count(db, EventParticipant) == 0
    run = _finished(db, _run_id(client.post(f"/imports/{preview.id}/confirm", data={})))
    assert run.state == "done" and run.event_id == mine.id
    assert _count(db, EventParticipant) == 2


def test_import_pages_write_nothing_on_get(client, db, people, app):
    ev.as_user(client, people["organiser"])
    preview = _preview(client, db, _messy_enterprises())
    run = _finished(db, _run_id(client.post(f"/imports/{preview.id}/confirm", data={"link": []})))
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            sent.append(statement)

    engine = get_engine(app)
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        for url in ("/imports/", "/imports/?kind=participants", f"/imports/{preview.id}", f"/imports/{run.id}",
                    f"/imports/{preview.id}/status", f"/imports/{run.id}/report.xlsx", f"/imports/{preview.id}?page=2"):
            assert client.get(url).status_code == 200, url
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert sent == []
    assert client.get("/imports/99999999999999999999").status_code == 404
    assert client.get("/imports/99999999999999999999/status").status_code == 404
    assert client.get("/imports/?page=100000000000000000000").status_code == 200


def test_every_post_needs_the_csrf_token(client, db, people, app):
    ev.as_user(client, people["organiser"])
    preview = _preview(client, db, _messy_enterprises())
    app.config["WTF_CSRF_ENABLED"] = True
    assert _upload(client, _messy_enterprises()).status_code == 400
    assert client.post(f"/imports/{preview.id}/confirm", data={"link": ["4"]}).status_code == 400
    assert _count(db, ImportRun) == 1
    html = client.get("/imports/").get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert 'name="csrf_token"' in client.get(f"/imports/{preview.id}").get_data(as_text=True)


def test_progress_is_visible_while_the_import_runs(client, db, people, monkeypatch):
    """The status endpoint shows the records done so far while the job is still at work."""
    from matchmaker.services.imports import run as import_run

    monkeypatch.setattr(import_run, "CHUNK", 10)
    seen: list[dict] = []
    real = import_service.run_import

    def watched(session, kind, path, *, progress=None, **kw):
        def report(done, total):
            progress(done, total)
            seen.append(client.get(f"/imports/{progress.run_id}/status").get_json())
        return real(session, kind, path, progress=report, **kw)

    monkeypatch.setattr(import_service, "run_import", watched)
    ev.as_user(client, people["organiser"])
    lines = ["企业名称,统一社会信用代码"] + [f"进度测试{i:03d}有限公司,{h.make_uscc(92000 + i)}" for i in range(100)]
    run = _preview(client, db, _csv(*lines))
    assert run.state == "done" and run.result["counts"]["created"] == 100
    running = [s for s in seen if s["state"] == "running"]
    assert [s["done"] for s in running] == list(range(0, 101, 10))
    assert all(s["total"] == 100 for s in running) and running[5]["percent"] == 50


@pytest.mark.redis
def test_with_a_job_queue_the_preview_runs_on_a_worker(client, db, people, job_queue):
    from rq import SimpleWorker

    queue, connection = job_queue, job_queue.connection
    ev.as_user(client, people["organiser"])
    run_id = _run_id(_upload(client, _messy_enterprises()))
    _fresh(db)
    assert db.get(ImportRun, run_id).state == "queued"
    html = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert 'id="import-progress-bar"' in html and "js/imports.js" in html and "<script>" not in html
    assert client.get(f"/imports/{run_id}/status").get_json()["state"] == "queued"
    [job] = queue.get_jobs()
    assert job.args[:2] == ("matchmaker.services.import_runs.jobs:run_import_job", run_id)
    SimpleWorker([queue], connection=connection).work(burst=True)
    run = _finished(db, run_id)
    assert run.state == "done" and run.result["counts"]["created"] == 1
    assert _count(db, Enterprise) == 2


def test_an_unreachable_job_queue_fails_the_run_with_a_message(client, db, people, app):
    pytest.importorskip("redis")
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    ev.as_user(client, people["organiser"])
    run = _finished(db, _run_id(_upload(client, _messy_enterprises())))
    assert run.state == "failed" and "后台任务队列暂时不可用" in run.error["zh"]
    assert "后台任务队列暂时不可用" in client.get(f"/imports/{run.id}").get_data(as_text=True)


def test_a_similar_name_that_is_no_stored_enterprise_is_no_link(client, db, people):
    """A candidate without a positive id (an enterprise an earlier row of the file introduces) has no page."""
    result = import_service.ImportResult(kind="enterprises", dry_run=True, threshold=90.0)
    result.outcome(2, "created", None, "无锡新华精密机械制造有限公司")
    result.outcome(3, "review", None, "无锡新华精密机械制造厂有限公司")
    result.similar.append(import_service.Similar(3, "无锡新华精密机械制造厂有限公司", -1, "无锡新华精密机械制造有限公司", 95.2))
    result.similar.append(import_service.Similar(4, "苏州市精密传感科技有限公司", people["stored"].id, STORED, 96.0))
    preview = ImportRun(user_id=people["organiser"].id, kind="enterprises", filename="名单.csv", stored_name="x.csv",
                        size=1, dry_run=True, links=[], state="done", result=result.to_dict(),
                        counts=dict(result.counts))
    db.add(preview)
    db.commit()
    ev.as_user(client, people["organiser"])
    page = client.get(f"/imports/{preview.id}")
    assert page.status_code == 200
    table = page.get_data(as_text=True)
    table = table[table.index('id="import-similar"'):table.index("</table>", table.index('id="import-similar"'))]
    assert "/enterprises/-1" not in table and "本文件中前面的行" in table and "无锡新华精密机械制造有限公司" in table
    assert f'href="/enterprises/{people["stored"].id}"' in table


def test_the_runs_list_reads_counts_not_results(client, db, people, app):
    ev.as_user(client, people["organiser"])
    run = _preview(client, db, _messy_enterprises())
    assert run.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1, "review": 2}
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if "import_run" in statement and not statement.startswith("SELECT count("):  # the count reads no value
            statements.append(statement)

    engine = get_engine(app)
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        html = client.get("/imports/").get_data(as_text=True)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert statements and not [s for s in statements if "import_run.result" in s]
    row = html[html.index(f'id="run-{run.id}"'):]
    assert "新建 1 条，更新 0 条，未变 0 条，拒绝 1 条，待确认 2 条（名称相近）（试导入，未写入）" in row[:row.index("</tr>")]


def _stored_run(db, app, user, data: bytes, **kw) -> ImportRun:
    """A queued run of ``data`` added directly (as the upload page adds one), not started."""
    settings = import_runs.ImportSettings.from_config(app.config, app.instance_path)
    settings.folder.mkdir(parents=True, exist_ok=True)
    stored = os.urandom(20).hex() + ".csv"
    (settings.folder / stored).write_bytes(data)
    values = {"user_id": user.id, "kind": "enterprises", "filename": "名单.csv", "stored_name": stored,
              "size": len(data), "dry_run": False, "links": [], "state": "queued", **kw}
    run = ImportRun(**values)
    db.add(run)
    db.commit()
    return run


def _job(app, run: ImportRun) -> dict:
    from matchmaker.db import session_scope

    folder = import_runs.ImportSettings.from_config(app.config, app.instance_path).folder
    return import_runs.run_import_job(lambda: session_scope(app), run.id, str(folder))


def _shows_stopped(client, run_id: int) -> None:
    assert client.get(f"/imports/{run_id}/status").get_json()["state"] == "failed"
    html = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert import_runs.STOPPED["zh"] in html and "重新上传" in html and "js/imports.js" not in html
    listed = client.get("/imports/").get_data(as_text=True)
    listed = listed[listed.index(f'id="run-{run_id}"'):]
    assert "失败" in listed[:listed.index("</tr>")]


def test_runs_past_their_time_read_as_failed_and_never_run(client, db, people, app):
    ev.as_user(client, people["organiser"])
    limit = dt.timedelta(seconds=import_runs.JOB_TIMEOUT + import_runs.STOP_GRACE + 60)
    data = _csv("企业名称,统一社会信用代码", f"超时测试有限公司,{h.make_uscc(93001)}")
    running = _stored_run(db, app, people["organiser"], data, state="running", started_at=utcnow() - limit,
                          created_at=utcnow() - limit)
    queued = _stored_run(db, app, people["organiser"], data, created_at=utcnow() - limit)
    fresh = _stored_run(db, app, people["organiser"], data, state="running", started_at=utcnow())
    for run in (running, queued):
        _shows_stopped(client, run.id)
    assert client.get(f"/imports/{fresh.id}/status").get_json()["state"] == "running"  # on another machine, say
    # A worker that reaches the late run leaves it alone.
    assert _job(app, queued) == {"state": "failed"}
    _fresh(db)
    assert db.get(ImportRun, queued.id).error == import_runs.STOPPED
    assert db.scalar(select(Enterprise).where(Enterprise.name == "超时测试有限公司")) is None


def test_a_run_whose_process_is_gone_reads_as_failed(client, db, people, app):
    import subprocess
    import sys

    ev.as_user(client, people["organiser"])
    data = _csv("企业名称", "进程测试有限公司")
    machine = import_runs.this_runner().rsplit(":", 2)[0]
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    try:
        here = _stored_run(db, app, people["organiser"], data, state="running", started_at=utcnow(),
                           runner=f"{import_runs.this_runner()}:0000")  # this process, which is not running it
        gone = _stored_run(db, app, people["organiser"], data, state="running", started_at=utcnow(),
                           runner=f"{machine}:{ended.pid}:abcd:0000")
        busy = _stored_run(db, app, people["organiser"], data, state="running", started_at=utcnow(),
                           runner=f"{machine}:{alive.pid}:abcd:0000")
        elsewhere = _stored_run(db, app, people["organiser"], data, state="running", started_at=utcnow(),
                                runner="another-host[1]:1:abcd:0000")
        for run in (here, gone):
            _shows_stopped(client, run.id)
        for run in (busy, elsewhere):
            assert client.get(f"/imports/{run.id}/status").get_json()["state"] == "running"
        # A run this process has just finished, read from a row that still says "running", is not stopped.
        finished = _stored_run(db, app, people["organiser"], data, dry_run=True)
        assert _job(app, finished) == {"state": "done"}
        _fresh(db)
        stale_row = ImportRun(state="running", started_at=utcnow(), runner=db.get(ImportRun, finished.id).runner)
        assert not import_runs.stopped(stale_row)
    finally:
        alive.kill()
        alive.wait()


def test_a_confirmation_that_stopped_is_replaced(client, db, people, app):
    ev.as_user(client, people["organiser"])
    preview = _preview(client, db, _messy_enterprises())
    dead = ImportRun(user_id=people["organiser"].id, kind="enterprises", filename=preview.filename,
                     stored_name=preview.stored_name, size=preview.size, dry_run=False, preview_id=preview.id,
                     links=[], state="running", started_at=utcnow(), runner=f"{import_runs.this_runner()}:0000")
    db.add(dead)
    db.commit()
    assert import_runs.confirmation_of(db, preview) is None
    html = client.get(f"/imports/{preview.id}").get_data(as_text=True)
    assert 'id="import-confirm"' in html and 'id="import-confirmed"' not in html
    run = _finished(db, _run_id(client.post(f"/imports/{preview.id}/confirm", data={"link": []})))
    assert run.id != dead.id and run.state == "done" and run.result["counts"]["created"] == 1
    dead = db.get(ImportRun, dead.id)
    assert dead.state == "failed" and dead.error == import_runs.STOPPED
    assert import_runs.confirmation_of(db, preview).id == run.id


def test_an_import_that_outlives_its_time_commits_nothing(client, db, people, app, monkeypatch):
    from matchmaker.services.import_runs import jobs

    real = import_service.run_import
    data = _csv("企业名称,统一社会信用代码", f"迟到测试有限公司,{h.make_uscc(93101)}")

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(1.2)
        return result

    monkeypatch.setattr(import_service, "run_import", slow)
    monkeypatch.setattr(jobs, "JOB_TIMEOUT", 1)
    late = _stored_run(db, app, people["organiser"], data)
    assert _job(app, late)["state"] == "failed"
    _fresh(db)
    assert db.get(ImportRun, late.id).error == import_runs.STOPPED
    assert db.scalar(select(Enterprise).where(Enterprise.name == "迟到测试有限公司")) is None



def test_an_import_recorded_as_stopped_while_it_ran_commits_nothing(client, db, people, app, monkeypatch):
    if db.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite: the import's transaction holds the only write lock while it runs")
    real = import_service.run_import
    data = _csv("企业名称,统一社会信用代码", f"迟到测试有限公司,{h.make_uscc(93101)}")

    def replaced(session, *args, **kwargs):
        result = real(session, *args, **kwargs)
        from matchmaker.db import session_scope
        with session_scope(app) as other:  # meanwhile the run was recorded as stopped (a new one replaced it)
            other.get(ImportRun, stopped.id).state = "failed"
        return result

    monkeypatch.setattr(import_service, "run_import", replaced)
    stopped = _stored_run(db, app, people["organiser"], data)
    assert _job(app, stopped)["state"] == "failed"
    _fresh(db)
    assert db.get(ImportRun, stopped.id).state == "failed"
    assert db.scalar(select(Enterprise).where(Enterprise.name == "迟到测试有限公司")) is None


def test_a_workbook_that_unpacks_enormously_fails_without_being_read(client, db, people, tmp_path):
    """66 KB on disk, 64 MB of one string inside: refused before openpyxl reads it (the web process runs it)."""
    from tests.unit.io.test_xlsx_expansion import write_bomb

    bomb = write_bomb(tmp_path / "bomb.xlsx").read_bytes()
    assert len(bomb) < 200_000
    ev.as_user(client, people["organiser"])
    run = _preview(client, db, bomb, name="名单.xlsx")
    assert run.state == "failed" and "名单.xlsx" in run.error["en"]
    assert "the workbook expands to more than 64 MB" in run.error["en"]
