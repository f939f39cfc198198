"""Engine reasons, scheduler messages and status labels in Chinese and in English."""
from __future__ import annotations

import networkx as nx
import pytest

from matchmaker import presentation
from matchmaker.matching.result import Reason
from matchmaker.scheduling import Message
from matchmaker.scheduling.messages import KINDS
from tests.unit.scheduling.test_messages import ALL_FIELDS

NAMES = {"P1": "示范封测集团", "P2": "苏州芯片设计有限公司"}


@pytest.fixture(params=["zh_CN", "en"])
def lang(app, request):
    with app.test_request_context(f"/?lang={request.param}"):
        yield request.param


def _say(lang, zh, en):
    return en if lang == "en" else zh


def test_engine_reasons_name_chain_nodes(lang):
    G = nx.DiGraph()
    G.add_node("pv.cell", name="电池片", name_en="Solar cells")
    G.add_node("pv.module", name="组件")
    chain = Reason("chain", ("pv.cell", "→", "pv.module"))
    assert presentation.reason_text(G, chain) == _say(lang, "产业链关系：电池片 → 组件",
                                                      "Chain link: Solar cells → 组件")
    assert presentation.reason_text(G, Reason("text", ("硅片", "银浆"))) == _say(
        lang, "共同关键词：硅片、银浆", "Shared terms: 硅片, 银浆")
    assert presentation.reason_text(G, Reason("other", ("x",))) == "other: x"


@pytest.mark.parametrize(("message", "zh", "en"), [
    (Message("max_meetings", {"role": "supplier", "participant": "P2", "limit": 4}),
     "供应方已达会谈上限（4 场）", "supplier reached max_meetings (4)"),
    (Message("no_free_table", {"kept": "priority"}),
     "共同时段没有空闲洽谈桌；优先级低于已排入的会谈", "no table free in common slots; lower priority than the meetings kept"),
    (Message("participant_unavailable", {"participant": "P1", "slot": "09:20"}),
     "示范封测集团 在 09:20 无法参会", "示范封测集团 is now unavailable in 09:20"),
    (Message("participant_left", {"participant": "P9"}), "P9 已不再参会", "P9 is no longer in the event"),
    (Message("shared_table", {"table": 2, "buyers": ("P1", "P2")}),
     "第 2 桌是 示范封测集团、苏州芯片设计有限公司 的固定桌，他们不会被安排在同一时段",
     "table 2 is the fixed table of 示范封测集团, 苏州芯片设计有限公司; they never have meetings in the same slot"),
    (Message("duplicate_request", {"buyer": "P1", "supplier": "P2", "count": 2, "priority": 3.0}),
     "邀约（示范封测集团，苏州芯片设计有限公司）重复 2 次，按最高优先级 3 保留一次",
     "request (示范封测集团, 苏州芯片设计有限公司) is listed 2 times; kept once with the highest priority, 3"),
    (Message("table_out_of_range", {"record": "participant", "participant": "P1", "table": 5, "tables": 3}),
     "参会企业 示范封测集团：第 5 桌超出桌号范围 1–3", "participant '示范封测集团': table 5 is outside 1..3"),
    (Message("locked_unavailable", {"record": "locked", "index": 1, "buyer": "P1", "supplier": "P2",
                                    "slot": "09:20", "table": 2, "participant": "P2"}),
     "第 1 场锁定会谈（示范封测集团，苏州芯片设计有限公司，09:20，第 2 桌）：苏州芯片设计有限公司 在 09:20 无法参会",
     "locked #1 (示范封测集团, 苏州芯片设计有限公司, 09:20, table 2): '苏州芯片设计有限公司' is unavailable in 09:20"),
    (Message("not_a_supplier", {"record": "request", "index": 3, "buyer": "P1", "supplier": "P2", "role": "buyer"}),
     "第 3 条邀约（示范封测集团，苏州芯片设计有限公司）：苏州芯片设计有限公司 是采购方，不是供应方",
     "request #3 (示范封测集团, 苏州芯片设计有限公司): '苏州芯片设计有限公司' is a buyer, not a supplier"),
    (Message("no_slots"), "时段：对接会至少需要一个时段", "slots: the event needs at least one slot"),
])
def test_scheduler_messages_with_names(lang, message, zh, en):
    assert presentation.schedule_message_text(message, NAMES) == _say(lang, zh, en)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_scheduler_message_has_chinese(app, kind):
    with app.test_request_context("/?lang=zh_CN"):
        text = presentation.schedule_message_text(Message(kind, ALL_FIELDS), NAMES)
    assert text and "{" not in text and not text.isascii()
    assert "P1" not in text


def test_status_labels_in_both_languages(lang):
    cases = {
        ("meeting_request", "pending"): ("待回复", "Awaiting answer"),
        ("resource_request", "pending"): ("待答复", "Pending"),
        ("application", "rejected"): ("未采纳", "Rejected"),
        ("participant", "rejected"): ("未通过", "Declined"),
        ("demand", "awarded"): ("已授标", "Awarded"),
        ("event", "provisional"): ("日程暂定", "Provisional agenda"),
        ("meeting", "cancelled"): ("已取消", "Cancelled"),
        ("checkin", "no_show"): ("缺席", "No-show"),
        ("weak_link", "gap"): ("平台供给空白", "No supply on the platform"),
        ("challenge", "awarded"): ("已确定揭榜方", "Solver selected"),
    }
    for (thing, status), (zh, en) in cases.items():
        assert presentation.status_label(thing, status) == _say(lang, zh, en)
    assert presentation.meeting_request_status_label("cancelled") == _say(lang, "已撤回", "Withdrawn")
    assert presentation.resource_request_status_label("approved") == _say(lang, "已同意", "Approved")
    assert presentation.verification_label(False) == _say(lang, "未核验", "Not verified")
    assert presentation.demand_status_label("someday") == "someday"


def test_every_status_of_every_model_has_a_label():
    from matchmaker.models import event, posting, resource
    statuses = {"event": event.EVENT_STATUSES, "participant": event.PARTICIPANT_STATUSES,
                "meeting_request": event.REQUEST_STATUSES, "meeting": event.MEETING_STATUSES,
                "checkin": event.CHECKIN_STATUSES, "demand": posting.DEMAND_STATUSES,
                "application": posting.APPLICATION_STATUSES, "resource_request": resource.RESOURCE_REQUEST_STATUSES}
    for thing, values in statuses.items():
        assert set(presentation.STATUS_LABELS[thing]) == set(values), thing


def test_every_status_of_every_labelled_thing_has_both_languages():
    for thing, labels in presentation.STATUS_LABELS.items():
        for status, (zh, en) in labels.items():
            assert zh and en and not zh.isascii(), (thing, status)


def test_unknown_kind_of_thing_is_an_error(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="no status labels for 'invoice'"):
        presentation.status_label("invoice", "paid")


def test_every_label_is_a_template_global(app):
    """Status labels are registered once, for every template and macro."""
    for name, function in presentation.template_globals().items():
        assert app.jinja_env.globals[name] is function
    assert {"demand_status_label", "meeting_request_status_label", "verification_label"} <= set(
        presentation.template_globals())
    with app.test_request_context("/?lang=en"):
        template = app.jinja_env.from_string("{{ application_status_label('shortlisted') }}")
        assert template.render() == "Shortlisted"
