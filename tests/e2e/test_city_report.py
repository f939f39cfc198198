"""A city bureau's organiser reads a finished fair's follow-up, then the 融通报告, and downloads it.

The organiser is limited to 苏州: the report counts the contract its fair's buyer signed
with an SME, lists only 苏州's enterprises, and the downloaded workbook says the same.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from matchmaker.db import session_scope
from matchmaker.models import Enterprise, Event, EventParticipant, Meeting, User
from matchmaker.security import hash_password
from matchmaker.services.indicators import BEIJING, INDICATORS
from matchmaker.services.indicators_export import DATA_SHEET, FIXED_COLUMNS, TOTAL_LABEL

pytestmark = pytest.mark.e2e

EMAIL = "suzhou-bureau@example.gov.cn"
PASSWORD = "city report walk 2026"
BUYER = "苏州示范装备集团有限公司"
SUPPLIER = "苏州精密零件小企业有限公司"
OUTSIDE = "杭州示范重工集团有限公司"


@pytest.fixture(scope="module")
def city_fair(live_app):
    """A 苏州 organiser, its finished fair, and a contract signed there by a large buyer with an SME."""
    today = dt.datetime.now(BEIJING).date()
    with session_scope(live_app) as session:
        organiser = User(email=EMAIL, name="苏州市工信局", role="organiser", organisation="苏州市工业和信息化局",
                         password_hash=hash_password(PASSWORD), scope_level="city", scope_province="江苏省",
                         scope_city="苏州市")
        buyer = Enterprise(name=BUYER, size="large", region="江苏省", city="苏州", verified=True)
        supplier = Enterprise(name=SUPPLIER, size="small", region="江苏省", city="苏州", verified=True)
        outside = Enterprise(name=OUTSIDE, size="large", region="浙江省", city="杭州", verified=True)
        session.add_all([organiser, buyer, supplier, outside])
        session.flush()
        event = Event(name="苏州装备产业链对接会", date=today, region="江苏省", city="苏州", status="final",
                      organiser_id=organiser.id)
        session.add(event)
        session.flush()
        b = EventParticipant(event_id=event.id, enterprise_id=buyer.id, role="buyer", status="approved")
        s = EventParticipant(event_id=event.id, enterprise_id=supplier.id, role="supplier", status="approved")
        session.add_all([b, s])
        session.flush()
        session.add(Meeting(event_id=event.id, buyer_id=b.id, supplier_id=s.id, slot="09:00", table=1,
                            uid="city-report-1@test", checkin="held", stage="signed", contract_amount=88.8,
                            contract_date=today, contract_type="purchase"))
        return {"event": event.id, "buyer": buyer.id}


def test_city_organiser_reports_a_signed_contract(live_server, live_app, browser, artifacts, city_fair):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
    # The finished fair and its follow-up page.
    response = page.goto(f"{live_server}/events/{city_fair['event']}")
    assert response is not None and response.status == 200
    response = page.goto(f"{live_server}/events/{city_fair['event']}/followup")
    assert response is not None and response.status == 200
    assert SUPPLIER in page.inner_text("body")
    page.screenshot(path=str(artifacts / "city-report-followup.png"), full_page=True)
    # 融通报告 from the menu.
    page.click("nav.nav >> text=融通报告")
    page.wait_for_load_state()
    assert "/reports/" in page.url
    body = page.inner_text("body")
    assert "江苏省苏州市" in body and BUYER in body and OUTSIDE not in body
    row = page.locator(f"tr[data-enterprise='{city_fair['buyer']}']")
    assert row.locator("td[data-key=contracts_signed]").inner_text() == "1"
    assert row.locator("td[data-key=contract_amount]").inner_text() == "88.80"
    assert row.locator("td[data-key=smes_contracted]").inner_text() == "1"
    assert page.locator("svg.line-chart").count() == 2
    page.screenshot(path=str(artifacts / "city-report-index.png"), full_page=True)
    with page.expect_download() as info:
        page.click("text=下载 Excel")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(download.path().read_bytes()))
    data = wb[DATA_SHEET]
    assert "江苏省苏州市" in data["A1"].value and re.search(r"\d{4}-01-01", data["A1"].value)
    names = [data.cell(row=r, column=2).value for r in range(3, data.max_row + 1)]
    assert BUYER in names and OUTSIDE not in names and TOTAL_LABEL in names
    col = {ind.key: len(FIXED_COLUMNS) + i + 1 for i, ind in enumerate(INDICATORS)}
    r = 3 + names.index(BUYER)
    assert data.cell(row=r, column=col["contracts_signed"]).value == 1
    assert data.cell(row=r, column=col["contract_amount"]).value == pytest.approx(88.8)
    assert data.cell(row=r, column=col["contract_amount"]).number_format == "#,##0.00"
    total = 3 + names.index(TOTAL_LABEL)
    assert data.cell(row=total, column=col["contract_amount"]).value >= 88.8
    # The enterprise page, and the print version.
    page.goto(f"{live_server}/reports/enterprises/{city_fair['buyer']}")
    assert page.locator("svg.funnel-chart").count() == 1
    page.screenshot(path=str(artifacts / "city-report-enterprise.png"), full_page=True)
    page.goto(f"{live_server}/reports/print")
    page.emulate_media(media="print")
    assert page.locator("form.report-filters").is_hidden()
    page.screenshot(path=str(artifacts / "city-report-print.png"), full_page=True)
    context.close()
