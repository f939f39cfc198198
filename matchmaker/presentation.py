"""Words at the edges: engine reasons, scheduler messages and status labels in the
user's language.

The engines (:mod:`matchmaker.matching`, :mod:`matchmaker.scheduling`) return
their reasons and reports as data, a ``kind`` with named values; this module is
the one place that turns them, and every status label of the site, into
Chinese or English with :func:`matchmaker.i18n.tr`; and it is the one place that
shows a stored time (UTC) in Beijing time (:func:`local_time`) and an amount of money
in 万元 (:func:`money`). :func:`register` makes them globals (and the time and money
helpers filters) of the site's templates.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

import networkx as nx

from .domain.qualifications import normalize_qualification, superseded_by
from .i18n import current_language, tr
from .scheduling import Message

__all__ = [
    "LOCAL_TZ",
    "STATUS_LABELS",
    "application_status_label",
    "checkin_status_label",
    "demand_status_label",
    "event_status_label",
    "local_date",
    "local_time",
    "meeting_request_status_label",
    "meeting_status_label",
    "money",
    "participant_status_label",
    "qualification_label",
    "reason_text",
    "register",
    "resource_request_status_label",
    "schedule_message_text",
    "status_label",
    "template_globals",
    "verification_label",
    "weak_link_status_label",
]


def reason_text(G: nx.DiGraph, reason) -> str:
    """An engine reason (a :class:`~matchmaker.matching.result.Reason`) in the
    user's language, chain nodes by name."""
    kind, values = reason.kind, list(reason.values)
    if kind == "chain":
        rest = " ".join(_node_name(G, token) for token in values)
    else:
        rest = tr("、", ", ").join(values)
    label = {"text": tr("共同关键词", "Shared terms"), "chain": tr("产业链关系", "Chain link"),
             "region": tr("同一地区", "Same region"),
             "qualification": tr("满足资质", "Meets qualifications")}.get(kind)
    return f"{label}{tr('：', ': ')}{rest}" if label else str(reason)


def _node_name(G: nx.DiGraph, token: str) -> str:
    if token not in G:
        return token
    data = G.nodes[token]
    return tr(data.get("name", token), data.get("name_en") or data.get("name", token))


_ROLE_ZH = {"buyer": "采购方", "supplier": "供应方"}

_KEPT_ZH = {"priority": "；优先级低于已排入的会谈", "coverage": "；这些时段的会谈能让更多企业获得洽谈"}

#: Chinese sentence of every scheduler message kind, from its fields (names already in).
_SCHEDULE_ZH = {
    "no_shared_slot": lambda f: "双方没有共同的空闲时段",
    "no_table_for_buyer": lambda f: "没有可用的洽谈桌：每张桌都是其他采购方的固定桌",
    "tables_held": lambda f: "共同时段没有空闲洽谈桌（已被锁定或保留的会谈占用）",
    "slots_held": lambda f: "共同时段已被锁定或保留的会谈占用",
    "max_meetings": lambda f: f"{_ROLE_ZH[f['role']]}已达会谈上限（{f['limit']} 场）",
    "schedule_full": lambda f: f"{_ROLE_ZH[f['role']]}日程已满",
    "busy": lambda f: f"{_ROLE_ZH[f['role']]}在所有共同时段都已有会谈",
    "no_common_free_slot": lambda f: "双方已没有共同的空闲时段",
    "table_taken": lambda f: f"第 {f['table']} 桌在所有共同空闲时段都已占用",
    "no_free_table": lambda f: "共同时段没有空闲洽谈桌",
    "time_limit": lambda f: "计算时限已到，未能排入",
    "left_out": lambda f: "未排入",
    "participant_left": lambda f: f"{f['participant']} 已不再参会",
    "slot_removed": lambda f: f"时段 {f['slot']} 已不存在",
    "request_withdrawn": lambda f: "邀约已撤回",
    "participant_unavailable": lambda f: f"{f['participant']} 在 {f['slot']} 无法参会",
    "replaced_by_locked": lambda f: "被同一对企业的锁定会谈取代",
    "slot_conflict": lambda f: "与同一时段的锁定或保留会谈冲突",
    "max_meetings_lowered": lambda f: f"{f['participant']} 现在最多接受 {f['limit']} 场会谈",
    "no_table_left": lambda f: "该时段已无空闲洽谈桌",
    "buyer_table_taken": lambda f: "采购方的洽谈桌在该时段已被占用",
    "table_changed": lambda f: "更换了洽谈桌",
    "slot_changed": lambda f: "调整到其他时段",
    "shared_table": lambda f: f"第 {f['table']} 桌是 {'、'.join(f['buyers'])} 的固定桌，他们不会被安排在同一时段",
    "duplicate_request": lambda f: (f"邀约（{f['buyer']}，{f['supplier']}）重复 {f['count']} 次，"
                                    f"按最高优先级 {_number(f['priority'])} 保留一次"),
}


def _r(value) -> str:
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


def _role_zh(role) -> str:
    return _ROLE_ZH.get(role, str(role))


def _where_zh(f) -> str:
    record = f["record"]
    if record == "participant":
        return f"参会企业 {f['participant']}"
    if record == "request":
        return f"第 {f['index']} 条邀约（{f['buyer']}，{f['supplier']}）"
    return f"第 {f['index']} 场锁定会谈（{f['buyer']}，{f['supplier']}，{f['slot']}，第 {f['table']} 桌）"


def _about_zh(sentence):
    return lambda f: f"{_where_zh(f)}：{sentence(f)}"


#: Chinese sentence of every problem that keeps an event from being scheduled.
_PROBLEM_ZH = {
    "no_slots": lambda f: "时段：对接会至少需要一个时段",
    "duplicate_slot": lambda f: f"时段：{f['slot']} 出现 {f['count']} 次（时段名称不能重复）",
    "invalid_tables": lambda f: f"洽谈桌数：{_r(f['value'])} 不是不小于 1 的整数",
    "invalid_max_meetings_default": lambda f: f"默认会谈上限：{_r(f['value'])} 不是不小于 0 的整数",
    "duplicate_participant": _about_zh(lambda f: f"出现 {f['count']} 次（编号不能重复）"),
    "invalid_role": _about_zh(lambda f: f"身份 {_r(f['role'])} 既不是采购方也不是供应方"),
    "supplier_table": _about_zh(lambda f: "只有采购方有固定洽谈桌（供应方到采购方的桌前洽谈）"),
    "table_out_of_range": _about_zh(lambda f: f"第 {f['table']} 桌超出桌号范围 1–{f['tables']}"),
    "unknown_unavailable_slots": _about_zh(lambda f: f"不可参会时段 {'、'.join(f['slots'])} 不在本场的时段中"),
    "invalid_max_meetings": _about_zh(lambda f: f"会谈上限 {_r(f['value'])} 不是不小于 0 的整数"),
    "locked_over_limit": _about_zh(lambda f: f"已锁定 {f['count']} 场会谈，超过会谈上限 {f['limit']} 场"),
    "unknown_buyer": _about_zh(lambda f: f"采购方 {f['buyer']} 不是本场的参会企业"),
    "unknown_supplier": _about_zh(lambda f: f"供应方 {f['supplier']} 不是本场的参会企业"),
    "roles_swapped": _about_zh(lambda f: "采购方与供应方填反了"),
    "not_a_buyer": _about_zh(lambda f: f"{f['buyer']} 是{_role_zh(f['role'])}，不是采购方"),
    "not_a_supplier": _about_zh(lambda f: f"{f['supplier']} 是{_role_zh(f['role'])}，不是供应方"),
    "invalid_priority": _about_zh(lambda f: f"优先级 {_r(f['priority'])} 须为大于 0 的数"),
    "unknown_slot": _about_zh(lambda f: f"时段 {f['slot']} 不在本场的时段中"),
    "locked_table_taken": _about_zh(lambda f: f"第 {f['table']} 桌在 {f['slot']} 已有锁定会谈"),
    "buyer_fixed_table": _about_zh(lambda f: f"采购方 {f['buyer']} 的固定洽谈桌是第 {f['fixed_table']} 桌"),
    "table_of_other_buyers": _about_zh(lambda f: f"第 {f['table']} 桌是 {'、'.join(f['buyers'])} 的固定桌"),
    "locked_unavailable": _about_zh(lambda f: f"{f['participant']} 在 {f['slot']} 无法参会"),
    "locked_double_booked": _about_zh(lambda f: f"{f['participant']} 在 {f['slot']} 已有另一场锁定会谈"),
    "pair_locked_twice": _about_zh(lambda f: "这对企业被锁定了不止一场会谈"),
    "event_not_object": lambda f: "对接会数据须为包含 slots、tables、participants 和 requests 的 JSON 对象",
    "missing_list": lambda f: f"{f['at']}：缺少（应为列表）",
    "not_a_list": lambda f: f"{f['at']}：应为列表，实际为 {f['type']}",
    "missing_tables": lambda f: "tables：缺少（应为洽谈桌数）",
    "not_a_slot_item": lambda f: f"slots：第 {f['index']} 项（{_r(f['value'])}）不是时段名称",
    "not_an_object": lambda f: f"{f['at']}：应为包含 {'、'.join(f['keys'])} 的对象",
    "missing_id": lambda f: f"{f['at']}：缺少编号或编号不是文本",
    "missing_whole_number": lambda f: f"{f['at']}：缺少（应为整数）",
    "not_whole_number": lambda f: f"{f['at']}：{_r(f['value'])} 不是整数",
    "below_minimum": lambda f: f"{f['at']}：{f['value']} 小于 {f['minimum']}",
    "not_a_number": lambda f: f"{f['at']}：{_r(f['value'])} 不是数字",
    "missing_slot_name": lambda f: f"{f['at']}：缺少时段名称或不是时段名称",
    "unknown_role": lambda f: f"{f['at']}：{_r(f['value'])} 既不是 buyer 也不是 supplier",
    "unavailable_not_list": lambda f: f"{f['at']}：应为时段名称的列表",
    "not_a_slot_name": lambda f: f"{f['at']}：{_r(f['value'])} 不是时段名称",
}
_SCHEDULE_ZH.update(_PROBLEM_ZH)


def _number(value):
    return int(value) if float(value).is_integer() else value


def schedule_message_text(message: Message, names: Mapping[str, str] | None = None) -> str:
    """A scheduler :class:`~matchmaker.scheduling.Message` in the user's language.

    Reasons, changes, notes and the problems of an event's data alike.
    ``names`` maps the participant ids of the scheduling problem to the names
    shown instead of them.
    """
    if names:
        message = message.renamed(names)
    if current_language() == "en":
        return str(message)
    return _SCHEDULE_ZH[message.kind](message.fields) + _KEPT_ZH.get(message.get("kept"), "")


#: Every status of every model, by kind of thing: status -> (Chinese, English).
STATUS_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "demand": {
        "draft": ("草稿", "Draft"), "published": ("已发布", "Published"), "closed": ("已截止", "Closed"),
        "awarded": ("已授标", "Awarded"), "cancelled": ("已取消", "Cancelled"),
    },
    "application": {
        "submitted": ("已提交", "Submitted"), "shortlisted": ("已入围", "Shortlisted"),
        "accepted": ("已接受", "Accepted"), "rejected": ("未采纳", "Rejected"), "withdrawn": ("已撤回", "Withdrawn"),
    },
    "resource_request": {
        "pending": ("待答复", "Pending"), "approved": ("已同意", "Approved"),
        "declined": ("已婉拒", "Declined"), "withdrawn": ("已撤回", "Withdrawn"),
    },
    "event": {
        "draft": ("草稿", "Draft"), "open": ("报名中", "Registration open"),
        "closed": ("报名截止", "Registration closed"), "provisional": ("日程暂定", "Provisional agenda"),
        "final": ("日程定稿", "Final agenda"), "archived": ("已结束", "Archived"),
    },
    "participant": {
        "pending": ("待审核", "Awaiting approval"), "approved": ("已通过", "Approved"),
        "rejected": ("未通过", "Declined"), "withdrawn": ("已退出", "Withdrawn"),
    },
    "meeting_request": {
        "pending": ("待回复", "Awaiting answer"), "accepted": ("已接受", "Accepted"),
        "declined": ("已婉拒", "Declined"), "expired": ("已过期", "Expired"), "cancelled": ("已撤回", "Withdrawn"),
    },
    "meeting": {"scheduled": ("已排定", "Scheduled"), "cancelled": ("已取消", "Cancelled")},
    "checkin": {"pending": ("未签到", "Not checked in"), "held": ("已洽谈", "Held"), "no_show": ("缺席", "No-show")},
    # 核验: the platform's own check of names, credit codes and certificates. 认证 is
    # certification by an accredited body (《中华人民共和国认证认可条例》), which the platform is not.
    "verification": {"verified": ("已核验", "Verified"), "unverified": ("未核验", "Not verified"),
                     "pending": ("待核验", "Awaiting verification"), "rejected": ("未通过核验", "Verification refused")},
    # What the platform's own postings cover at a chain node: a measure of this site's
    # supply, not a diagnosis of the real chain (keys as in :mod:`graph.weak`).
    "weak_link": {"gap": ("平台供给空白", "No supply on the platform"),
                  "thin": ("单一来源", "Single source on the platform"),
                  "ok": ("正常", "Covered"), "idle": ("暂无供需", "No postings")},
}
#: A challenge (揭榜挂帅) is not tendered: it ends with a chosen solver (揭榜方), not an award.
STATUS_LABELS["challenge"] = {**STATUS_LABELS["demand"], "awarded": ("已确定揭榜方", "Solver selected")}


def status_label(thing: str, status: str) -> str:
    """The label of ``status`` of a ``thing`` (a key of :data:`STATUS_LABELS`) in the user's language.

    An unknown status is shown as it is; an unknown kind of thing is a programming error.
    """
    try:
        labels = STATUS_LABELS[thing]
    except KeyError:
        raise ValueError(f"no status labels for {thing!r}; known: {', '.join(STATUS_LABELS)}") from None
    pair = labels.get(status)
    return tr(*pair) if pair else status


def demand_status_label(status: str, kind: str | None = None) -> str:
    """The label of a demand's status; a challenge's ``kind`` names its own end (已确定揭榜方)."""
    return status_label("challenge" if kind == "challenge" else "demand", status)


def application_status_label(status: str) -> str:
    return status_label("application", status)


def resource_request_status_label(status: str) -> str:
    return status_label("resource_request", status)


def event_status_label(status: str) -> str:
    return status_label("event", status)


def participant_status_label(status: str) -> str:
    return status_label("participant", status)


def meeting_request_status_label(status: str) -> str:
    return status_label("meeting_request", status)


def meeting_status_label(status: str) -> str:
    return status_label("meeting", status)


def checkin_status_label(status: str) -> str:
    return status_label("checkin", status)


def verification_label(verified: bool) -> str:
    """"Verified" or "Not verified", for an enterprise or a qualification."""
    return status_label("verification", "verified" if verified else "unverified")


def weak_link_status_label(status: str) -> str:
    """What the platform's postings cover at a chain node: no supply, one source, covered, or nothing."""
    return status_label("weak_link", status)


#: The time zone every time is shown in (China Standard Time, UTC+8, no daylight saving).
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def _local(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:  # stored in UTC; SQLite hands it back naive
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL_TZ)


def local_time(value: dt.datetime | str | None, zone: bool = True, seconds: bool = False) -> str:
    """A stored (UTC) time in Beijing time: ``2026-12-07 16:05（北京时间）``.

    ``zone`` adds the zone, which a reader abroad or a log compared with a
    server's needs; ``seconds`` adds the seconds (audit log). Blank for no time.
    """
    if not value:
        return ""
    text = _local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return text + tr("（北京时间）", " (Beijing time)") if zone else text


def local_date(value: dt.datetime | dt.date | str | None) -> str:
    """The Beijing date of a stored time (``2026-12-08`` for 2026-12-07 16:05 UTC), or a date as it is."""
    if not value:
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return _local(value).date().isoformat()


_WAN = Decimal(10000)


def money(amount, unit: str = "yuan") -> str:
    """An amount of money in 万元, as the platform shows every amount: ``1,234.5 万元``.

    ``amount`` is in CNY (元, as stored) or, with ``unit="wan"``, already in
    万元 (fair outcomes). Up to four decimals are kept, so no yuan is lost;
    ``—`` for no amount. English: ``1,234.5 × 10k CNY``.
    """
    if amount is None or amount == "":
        return "—"
    value = Decimal(str(amount))
    if unit == "yuan":
        value = value / _WAN
    elif unit != "wan":
        raise ValueError(f"unit must be 'yuan' or 'wan', got {unit!r}")
    text = f"{value:,.4f}".rstrip("0").rstrip(".") if value else "0"
    return tr("{n} 万元", "{n} × 10k CNY", n=text)


def qualification_label(name: str) -> str:
    """A qualification as its holder wrote it, noting when the standard it names was superseded
    (``OHSAS 18001（已被 ISO 45001 取代）``)."""
    key = normalize_qualification(name)
    successor = superseded_by(key) if key else None
    if successor is None:
        return name
    return tr("{name}（已被 {by} 取代）", "{name} (superseded by {by})", name=name, by=successor)


def template_globals() -> dict[str, Callable[..., str]]:
    """Every label function, by the name templates call it."""
    labels = (status_label, demand_status_label, application_status_label, resource_request_status_label,
              event_status_label, participant_status_label, meeting_request_status_label, meeting_status_label,
              checkin_status_label, verification_label, weak_link_status_label, qualification_label,
              local_time, local_date, money)
    return {f.__name__: f for f in labels}


def register(app) -> None:
    """Make every label a global of ``app``'s templates (macros imported without context see them too)."""
    app.jinja_env.globals.update(template_globals())
    app.jinja_env.filters.update(local_time=local_time, local_date=local_date, money=money)
