"""An organiser imports a messy spreadsheet through the upload page in a real browser.

The organiser uploads a small CSV (BOM, Chinese headers, a blank row, a bad credit
code, a formula-like name, a name only similar to a stored enterprise), watches the
progress bar while the dry run works, reads the preview, ticks the similar name (nothing is
ticked until then), sees the summary and downloads the report; the preview also reads on a phone.
"""
from __future__ import annotations

import threading

import openpyxl
import pytest
from sqlalchemy import select

from matchmaker.db import session_scope
from matchmaker.domain import uscc
from matchmaker.models import Enterprise
from matchmaker.services import imports as import_service
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

ORGANISER = "organiser@demo.matchmaker.cn"
STORED = "昆山精密模具科技有限公司"
SIMILAR = "昆山市精密模具科技有限公司"
NEW = "常州端到端智能装备有限公司"
FORMULA = "=HYPERLINK(\"x\")精工有限公司"


def _code(body: str) -> str:
    """A valid credit code of a Suzhou enterprise whose organisation code is "MA" + ``body`` (6 characters)."""
    return uscc.build("9", "1", "320500", "MA" + body)


def _log_in(browser, base: str, viewport: dict):
    return log_in(browser, base, ORGANISER, viewport, accept_downloads=True)


@pytest.fixture
def held(monkeypatch):
    """Imports wait for ``release`` before they start, so the page is seen while they run."""
    release = threading.Event()
    real = import_service.run_import

    def waiting(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_service, "run_import", waiting)
    yield release
    release.set()


def test_an_organiser_imports_a_messy_csv(live_server, live_app, browser, artifacts, tmp_path, held):
    with session_scope(live_app) as session:
        session.add(Enterprise(name=STORED, uscc=_code("E2E001"), size="small", region="江苏省", verified=True))
    quoted = '"' + FORMULA.replace('"', '""') + '"'
    sheet = tmp_path / "企业名单.csv"
    sheet.write_text("\n".join([
        "企业名称,统一社会信用代码,地区,从业人员",
        f"{NEW},{_code('E2E002')},江苏省,85",
        ",,,",
        "代码有误有限公司,91320500ABC,江苏省,12",
        f"{quoted},{_code('E2E003')},江苏省,30",
        f"{SIMILAR},,江苏省,",
    ]) + "\n", encoding="utf-8-sig")

    page = _log_in(browser, live_server, {"width": 1280, "height": 900})
    page.locator("nav.nav").get_by_role("link", name="批量导入").click()
    page.select_option("select[name=kind]", "enterprises")
    page.set_input_files("input[name=file]", str(sheet))
    page.screenshot(path=str(artifacts / "import-upload.png"), full_page=True)
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("progress#import-progress-bar")
    # The page asks for the run's status every second: the run is seen at work, then its result.
    # (a selector, not a script to evaluate: the site's content security policy forbids eval)
    page.wait_for_selector("#import-state .tag:text-is('进行中')")
    assert "正在读取文件" in page.inner_text("#import-progress-text")
    page.screenshot(path=str(artifacts / "import-progress.png"), full_page=True)
    held.set()
    page.wait_for_selector("#import-counts", timeout=30_000)

    assert "导入预览" in page.inner_text("h1")
    counts = {li.get_attribute("data-count"): int(li.query_selector("strong").inner_text())
              for li in page.query_selector_all("#import-counts li")}
    assert counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1, "review": 1}
    problems = page.inner_text("#import-problems")
    assert "91320500ABC" in problems and "统一社会信用代码无效" in problems
    similar = page.inner_text("#import-similar")
    assert SIMILAR in similar and STORED in similar
    assert not page.is_checked("#import-similar input[name=link]")  # linked only when the organiser says so
    page.check("#import-similar input[name=link]")
    page.screenshot(path=str(artifacts / "import-preview.png"), full_page=True)
    preview_url = page.url
    with session_scope(live_app) as session:
        assert session.scalar(select(Enterprise).where(Enterprise.name == NEW)) is None

    phone = _log_in(browser, live_server, {"width": 390, "height": 844})
    phone.goto(preview_url)
    phone.wait_for_selector("#import-counts")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts / "import-preview-phone.png"), full_page=True)
    phone.context.close()

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("h1:has-text('导入结果')")
    page.wait_for_selector("#import-counts", timeout=30_000)
    summary = page.inner_text("#import-summary")
    assert "新建 2 条" in summary and "拒绝 1 条" in summary and "待确认" not in summary
    page.screenshot(path=str(artifacts / "import-summary.png"), full_page=True)
    with session_scope(live_app) as session:
        stored = session.scalar(select(Enterprise).where(Enterprise.name == STORED))
        assert session.scalar(select(Enterprise).where(Enterprise.name == NEW)) is not None
        assert session.scalar(select(Enterprise).where(Enterprise.name == FORMULA)) is not None
        assert session.scalar(select(Enterprise).where(Enterprise.name == SIMILAR)) is None
        stored_id = stored.id

    with page.expect_download() as info:
        page.click("#import-report")
    report = tmp_path / info.value.suggested_filename
    info.value.save_as(report)
    book = openpyxl.load_workbook(report)
    problems = [tuple(r) for r in book["问题"].iter_rows(values_only=True)]
    assert problems[0] == ("行", "列", "值", "原因")
    assert [(r[0], r[1], r[2]) for r in problems[1:]] == [(4, "统一社会信用代码", "91320500ABC")]
    review = [tuple(r) for r in book["相近名称"].iter_rows(values_only=True)][1:]
    assert [(r[1], r[2], r[5]) for r in review] == [(SIMILAR, stored_id, "是")]
    page.context.close()
