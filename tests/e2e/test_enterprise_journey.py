"""Two new enterprises meet through the site in a real browser.

A large enterprise signs up and publishes a 揭榜挂帅 challenge; an SME signs up, posts
a capability in its own words, finds the challenge among its opportunities with the
reason it was suggested, and answers it with a PDF; the large enterprise, logged in
afresh, shortlists the answer; the SME sees the new status and is notified.
Everything goes through the pages, as a user would.
"""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import pytest

from matchmaker.domain import uscc
from matchmaker.services.seeding import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

PASSWORD = "journey-pass-2026"
NODE = "robot.harmonic-reducer"  # 谐波减速器, in the seeded 工业机器人 chain
CHALLENGE = "揭榜挂帅：协作机器人关节谐波减速器国产化攻关"
CAPABILITY = "精密柔轮、刚轮及波发生器加工"
SHORTLIST_NOTE = "方案可行，请于下周来我司进行技术交流"


def _new_code() -> str:
    """A valid credit code with a random organisation-code body, so no seeded enterprise holds it."""
    body = "".join(secrets.choice(uscc.CHARSET) for _ in range(5))
    return uscc.build("9", "1", "320500", "MA1" + body)


def _minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = b"BT /F1 12 Tf 72 720 Td (Harmonic drive proposal) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    return context.new_page()


def _snap(page, path: str) -> None:
    """A full-page screenshot taken from the top, so the sticky header sits where it belongs."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path, full_page=True)


def _go(target) -> None:
    """Click a link or button that loads a new page, and wait for that page rather than the old one."""
    with target.page.expect_navigation():
        target.click()


def _flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def _sign_up(page, base: str, *, person: str, email: str, enterprise: str, code: str, employees: int,
             revenue_wan: int, shot=None) -> None:
    page.goto(f"{base}/register")
    page.get_by_label("您的姓名").fill(person)
    page.get_by_label("邮箱", exact=True).fill(email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("注册新企业").check()
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("企业全称").fill(enterprise)
    page.get_by_label("所属行业").select_option(label="工业")
    page.get_by_label("从业人员（人）").fill(str(employees))
    page.get_by_label("营业收入（万元）").fill(str(revenue_wan))
    page.get_by_label("所在省份").select_option(label="江苏省")
    page.get_by_label("城市").fill("苏州")
    if shot:
        _snap(page, shot)
    _go(page.get_by_role("button", name="提交注册"))
    if page.get_by_label("我确认本企业与上述名称相近的企业不是同一家").count():
        # A demo enterprise with a close name exists: the form asks once, as it would any user.
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_label("确认密码").fill(PASSWORD)
        page.get_by_label("我确认本企业与上述名称相近的企业不是同一家").check()
        _go(page.get_by_role("button", name="提交注册"))
    assert "注册成功" in _flash(page), _flash(page) or page.content()
    # Sign-up lands on the workbench; the profile is one link away, in the header.
    assert page.url.rstrip("/").endswith("/workbench"), page.url
    _go(page.locator(".topbar").get_by_role("link", name="我的企业"))


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    _go(page.locator("form").get_by_role("button", name="登录"))
    assert "/login" not in page.url, _flash(page)


def _tick_node(page, node: str) -> None:
    """Open the chain's group in the picker, then tick the node."""
    box = page.locator(f"input[name=chain_nodes][value='{node}']")
    group = page.locator("details", has=box)
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    box.check()


def test_enterprise_journey(live_server, browser, artifacts, tmp_path):
    base = live_server
    run = secrets.token_hex(3)
    large_email, sme_email = f"cto-{run}@lanjing-robot.cn", f"boss-{run}@jingrou.cn"
    large_name, sme_name = f"澜京智能装备集团{run}有限公司", f"精柔传动科技{run}有限公司"

    def shot(name: str) -> str:
        return str(artifacts / f"journey-{name}.png")

    application_status = "[data-test=application-status]"

    # 1. The large enterprise signs up, is classed as large, and publishes a challenge.
    large = _new_page(browser)
    _sign_up(large, base, person="王总工", email=large_email, enterprise=large_name, code=_new_code(),
             employees=5200, revenue_wan=860000, shot=shot("01-signup-large"))
    assert large.get_by_text("大型企业").count() >= 1, "5200 staff and 86 亿元 revenue in 工业 is a large enterprise"
    _snap(large, shot("02-large-profile"))

    large.goto(f"{base}/demands/new")
    large.get_by_role("radio", name="揭榜挂帅").check()
    large.get_by_label("标题", exact=True).fill(CHALLENGE)
    large.get_by_label("需求描述 / 技术要求").fill(
        "面向协作机器人关节模组，征集谐波减速器国产化研制团队。要求传动精度 ≤ 30 角秒，"
        "额定寿命 ≥ 10000 小时，背隙 ≤ 10 角秒，可小批量交付样机。")
    _tick_node(large, NODE)
    large.get_by_label("预算 / 榜单金额（万元）").fill("300")
    large.get_by_label("截止日期").fill((dt.date.today() + dt.timedelta(days=45)).isoformat())
    large.get_by_label("地区（省份）").select_option(label="江苏省")
    large.get_by_label("验收期限（交付后天数）").fill("30")
    large.get_by_label("付款期限（天）").fill("45")
    large.get_by_label("验收标准").fill("样机经第三方检测：传动精度 ≤ 30 角秒，连续运行 2000 小时无失效。")
    large.get_by_label("知识产权约定（揭榜挂帅）").fill("研制形成的专利由双方共有，揭榜方享有优先供货权。")
    _go(large.get_by_role("button", name="保存草稿"))
    assert "需求草稿已保存" in _flash(large), _flash(large)
    demand_url = large.url.split("?")[0]
    demand_id = demand_url.rstrip("/").rsplit("/", 1)[1]
    _go(large.get_by_role("button", name="发布", exact=True))
    assert "核验通过后才能发布" in _flash(large), "an organisation publishes once the platform has checked it"

    # The platform's admin verifies the new enterprise from the verification queue.
    admin = _new_page(browser)
    admin.goto(f"{base}/login")
    admin.get_by_label("邮箱").fill("admin@demo.matchmaker.cn")
    admin.get_by_label("密码").fill(DEMO_PASSWORD)
    _go(admin.locator("form").get_by_role("button", name="登录"))
    admin.goto(f"{base}/admin/enterprises?status=unverified&q={large_name}")
    _go(admin.get_by_role("row", name=large_name).get_by_role("button", name="核验"))
    assert "已核验" in _flash(admin), _flash(admin)
    admin.context.close()

    large.goto(demand_url)
    _go(large.get_by_role("button", name="发布", exact=True))
    assert "已发布" in _flash(large), _flash(large)
    assert large.get_by_role("heading", name=CHALLENGE).is_visible()
    assert large.get_by_text("验收合格后 45 日内付款").is_visible()
    _snap(large, shot("03-challenge"))
    large.context.close()

    # 2. The SME signs up, describes what it makes in its own words, and confirms the inferred nodes.
    sme = _new_page(browser)
    _sign_up(sme, base, person="李经理", email=sme_email, enterprise=sme_name, code=_new_code(),
             employees=60, revenue_wan=4800, shot=shot("04-signup-sme"))
    assert sme.get_by_text("小型企业").count() >= 1, "60 staff and 4800 万元 revenue in 工业 is a small enterprise"

    sme.goto(f"{base}/capabilities/new")
    sme.get_by_label("能力 / 产品名称").fill(CAPABILITY)
    sme.get_by_label("能力描述").fill(
        "专注机器人关节精密传动十余年：柔轮、刚轮、波发生器的车铣磨与热处理，"
        "齿形精修，批量稳定供货，年产 5 万套，已为多家协作机器人厂商配套。")
    _go(sme.get_by_role("button", name="根据描述推断环节"))
    inferred = sme.get_by_role("status").filter(has_text="平台推断的产业链环节")
    assert "谐波减速器" in inferred.inner_text()
    assert sme.locator(f"input[name=chain_nodes][value='{NODE}']").is_checked()
    _snap(sme, shot("05-capability-inferred"))
    _go(sme.get_by_role("button", name="保存", exact=True))
    assert "能力已保存" in _flash(sme), _flash(sme)
    assert "由平台推断并经企业确认" in sme.content()

    _go(sme.get_by_role("link", name="我的商机").first)
    card = sme.locator(f"[data-test=opportunity][data-demand-id='{demand_id}']")
    assert card.count() == 1, "the challenge is missing from the SME's opportunities"
    assert card.get_by_role("link", name=CHALLENGE).is_visible()
    reasons = [r.strip() for r in card.locator(".reasons li").all_inner_texts() if r.strip()]
    assert reasons, "the opportunity has no reason next to it"
    assert CAPABILITY in card.inner_text()
    _snap(sme, shot("06-opportunities"))

    # 3. The SME answers the challenge with a proposal, a price and a PDF.
    pdf = tmp_path / "谐波减速器技术方案.pdf"
    pdf.write_bytes(_minimal_pdf())
    _go(card.get_by_role("link", name=CHALLENGE))
    _go(sme.get_by_role("link", name="我要揭榜"))
    sme.get_by_label("方案说明").fill("采用双圆弧齿形柔轮，三个月交付样机 20 套，精度 25 角秒。")
    sme.get_by_label("报价（万元）").fill("260")
    sme.get_by_label("对应能力").select_option(label=CAPABILITY)
    sme.get_by_label("附件").set_input_files(str(pdf))
    _snap(sme, shot("07-application-form"))
    _go(sme.get_by_role("button", name="提交", exact=True))
    assert "申请已提交" in _flash(sme), _flash(sme)
    application_url = sme.url.split("?")[0]
    assert sme.locator(application_status).inner_text() == "已提交"
    assert sme.get_by_role("link", name=pdf.name).is_visible()
    _snap(sme, shot("08-application"))

    # 4. The large enterprise logs in afresh and shortlists the answer from its demand.
    large = _new_page(browser)
    _log_in(large, base, large_email)
    large.goto(f"{base}/demands/mine")
    _go(large.get_by_role("link", name=CHALLENGE).first)
    assert large.url.split("?")[0] == demand_url
    assert int(large.get_by_role("link", name="通知").locator(".badge").inner_text()) >= 1
    _go(large.get_by_role("link", name="收到的申请"))
    received = large.get_by_role("row").filter(has=large.get_by_role("link", name=sme_name))
    assert "已提交" in received.inner_text() and "260 万元" in received.inner_text()
    _go(received.get_by_role("link", name=sme_name))
    assert large.url.split("?")[0] == application_url
    with large.expect_download() as download:
        large.get_by_role("link", name=pdf.name).click()
    assert download.value.suggested_filename == pdf.name
    assert Path(download.value.path()).read_bytes() == pdf.read_bytes()
    large.get_by_label("给申请方的留言（可选）").fill(SHORTLIST_NOTE)
    _go(large.get_by_role("button", name="入围", exact=True))
    assert "已更新申请状态" in _flash(large), _flash(large)
    assert large.locator(application_status).inner_text() == "已入围"
    _snap(large, shot("09-shortlist"))
    large.context.close()

    # 5. The SME, still in its own session, sees the new status, the message and a notification.
    sme.goto(f"{base}/applications/mine")
    row = sme.get_by_role("row").filter(has=sme.get_by_role("link", name=CHALLENGE))
    assert "已入围" in row.inner_text()
    bell = sme.get_by_role("link", name="通知")
    assert int(bell.locator(".badge").inner_text()) >= 1
    _go(bell)
    news = sme.locator("li").filter(has_text=CHALLENGE).filter(has_text="已入围")
    assert news.count() == 1 and SHORTLIST_NOTE in news.inner_text()
    _snap(sme, shot("10-sme-notification"))
    _go(news.get_by_role("button", name="查看"))
    assert sme.url.split("?")[0] == application_url
    assert sme.locator(application_status).inner_text() == "已入围"
    assert SHORTLIST_NOTE in sme.content()
    _snap(sme, shot("11-sme-status"))
    sme.context.close()
