"""Scheduler messages in the reader's language, with enterprise names instead of ids.

The pure scheduler explains itself in plain English and names participants by
the ids the service gave them (``P<participant id>``); these helpers make that
text readable on the site.
"""
from __future__ import annotations

import re

from ..i18n import current_language, tr

__all__ = ["participant_id", "participant_key", "reason_text", "with_names"]

_ID = re.compile(r"'?\bP(\d+)\b'?")

#: (English pattern, Chinese template) for every reason the scheduler gives.
_REASONS = (
    (r"buyer reached max_meetings \((\d+)\)", "采购方已达会谈上限（{0} 场）"),
    (r"supplier reached max_meetings \((\d+)\)", "供应方已达会谈上限（{0} 场）"),
    (r"buyer's schedule is full", "采购方日程已满"),
    (r"supplier's schedule is full", "供应方日程已满"),
    (r"buyer and supplier share no free slot", "双方没有共同的空闲时段"),
    (r"the slots they share are taken by locked or kept meetings", "共同时段已被锁定或保留的会谈占用"),
    (r"buyer is busy in every slot they share", "采购方在所有共同时段都已有会谈"),
    (r"supplier is busy in every slot they share", "供应方在所有共同时段都已有会谈"),
    (r"buyer and supplier have no common free slot left", "双方已没有共同的空闲时段"),
    (r"table (\d+) is taken in every common free slot", "第 {0} 桌在所有共同空闲时段都已占用"),
    (r"left out when the time limit was reached", "计算时限已到，未能排入"),
    (r"no table free in common slots", "共同时段没有空闲洽谈桌"),
    (r"lower priority than the meetings kept", "优先级低于已排入的会谈"),
    (r"table changed", "更换了洽谈桌"),
    (r"moved to another slot", "调整到其他时段"),
    (r"listed twice in the published schedule", "已发布日程中重复出现"),
    (r"replaced by a locked meeting of the same pair", "被同一对企业的锁定会谈取代"),
    (r"conflicts with a locked or kept meeting in the same slot", "与同一时段的锁定或保留会谈冲突"),
    (r"(.+) now accepts at most (\d+) meetings", "{0} 现在最多接受 {1} 场会谈"),
    (r"no table left in that slot", "该时段已无空闲洽谈桌"),
    (r"the buyer's table is taken in that slot", "采购方的洽谈桌在该时段已被占用"),
    (r"(.+) is no longer in the event", "{0} 已不再参会"),
    (r"slot (\S+) no longer exists", "时段 {0} 已不存在"),
    (r"request withdrawn", "邀约已撤回"),
    (r"(.+) is now unavailable in (\S+)", "{0} 在 {1} 无法参会"),
    (r"left out", "未排入"),
)


def participant_key(participant_id: int) -> str:
    """The id a participant has in a scheduling problem."""
    return f"P{participant_id}"


def participant_id(key: str) -> int:
    return int(key[1:])


def with_names(text: str, names: dict[int, str]) -> str:
    """Replace ``P12`` / ``'P12'`` by the participant's enterprise name."""
    return _ID.sub(lambda m: names.get(int(m.group(1)), m.group(0)), text)


def _one(part: str) -> str:
    for pattern, zh in _REASONS:
        m = re.fullmatch(pattern, part.strip())
        if m:
            return zh.format(*m.groups())
    return part


def reason_text(reason: str, names: dict[int, str] | None = None) -> str:
    """A scheduler reason in the current language, with names for ids."""
    text = with_names(reason or "", names or {})
    if current_language() == "en":
        return text
    return tr("；".join(_one(p) for p in text.split(";")), text)
