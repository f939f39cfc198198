"""Agendas for participants (page and .ics) and spreadsheets and sign-in sheets for organisers."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import icalendar
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ...i18n import tr
from ...io.sheets import write_table
from ...models import Event, EventParticipant, Meeting
from .core import can_manage
from .requests import priority_label, utcnow
from .schedule import PUBLISHED, slot_end, slot_start, stored_meetings

__all__ = ["AgendaItem", "agenda", "agenda_ics", "agenda_visible", "schedule_workbook", "signin_sheet"]


@dataclass
class AgendaItem:
    meeting: Meeting
    slot: str
    end: str
    table: int
    other: EventParticipant
    priority: int
    cancelled: bool


def agenda_visible(event: Event, user) -> bool:
    """Participants see meetings once the agenda is published; organisers always."""
    return event.status in PUBLISHED or event.status == "archived" or can_manage(user, event)


def _meetings_of(session: Session, participant: EventParticipant, with_cancelled: bool) -> list[Meeting]:
    stmt = (select(Meeting).options(joinedload(Meeting.buyer).joinedload(EventParticipant.enterprise),
                                    joinedload(Meeting.supplier).joinedload(EventParticipant.enterprise))
            .where(Meeting.event_id == participant.event_id,
                   or_(Meeting.buyer_id == participant.id, Meeting.supplier_id == participant.id)))
    if not with_cancelled:
        stmt = stmt.where(Meeting.status == "scheduled")
    order = {s: i for i, s in enumerate(participant.event.slots or [])}
    return sorted(session.scalars(stmt).unique().all(), key=lambda m: (order.get(m.slot, 999), m.table))


def agenda(session: Session, participant: EventParticipant, with_cancelled: bool = False) -> list[AgendaItem]:
    event = participant.event
    return [AgendaItem(m, m.slot, slot_end(event, m.slot), m.table,
                       m.supplier if m.buyer_id == participant.id else m.buyer, m.priority, m.status == "cancelled")
            for m in _meetings_of(session, participant, with_cancelled)]


def _location(event: Event, table: int) -> str:
    place = " ".join(x for x in (event.city, event.venue) if x)
    return tr("{p} 第 {t} 桌", "{p}, table {t}", p=place, t=table).strip(", ")


def agenda_ics(session: Session, participant: EventParticipant, visible: bool = True) -> bytes:
    """An iCalendar file (METHOD:PUBLISH) of the participant's meetings.

    Each meeting keeps its UID across schedule runs and carries its SEQUENCE, so
    re-importing updates a moved meeting; dropped meetings come as STATUS:CANCELLED.
    Meetings of a provisional agenda are TENTATIVE until the organisers make it final.
    """
    event = participant.event
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Matchmaker//Fair agenda//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{event.name} · {participant.enterprise.name}")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = utcnow().replace(microsecond=0)
    for item in (agenda(session, participant, with_cancelled=True) if visible else []):
        m = item.meeting
        ev = icalendar.Event()
        ev.add("uid", m.uid)
        ev.add("sequence", m.sequence)
        ev.add("dtstamp", stamp)
        start = slot_start(event, item.slot)
        ev.add("dtstart", start)
        ev.add("dtend", start + dt.timedelta(minutes=event.meeting_minutes))
        ev.add("summary", tr("洽谈：{n}", "Meeting: {n}", n=item.other.enterprise.name))
        ev.add("location", _location(event, item.table))
        ev.add("description", "\n".join((
            event.name,
            tr("采购方：{n}", "Buyer: {n}", n=m.buyer.enterprise.name),
            tr("供应方：{n}", "Supplier: {n}", n=m.supplier.enterprise.name),
            tr("优先级：{p}", "Priority: {p}", p=priority_label(item.priority)))))
        ev.add("status", "CANCELLED" if item.cancelled
               else "TENTATIVE" if event.status == "provisional" else "CONFIRMED")
        ev.add("transp", "TRANSPARENT" if item.cancelled else "OPAQUE")
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


def schedule_workbook(session: Session, event: Event) -> bytes:
    """One .xlsx with the scheduled meetings by participant, by table and by slot.

    Written by :func:`matchmaker.io.sheets.write_table`, so enterprise names that
    look like formulas stay text.
    """
    meetings = stored_meetings(session, event, names=True)
    order = {s: i for i, s in enumerate(event.slots or [])}
    role = {"buyer": tr("采购方", "Buyer"), "supplier": tr("供应方", "Supplier")}
    by_participant = []
    for m in meetings:
        end = slot_end(event, m.slot)
        for me, other in ((m.buyer, m.supplier), (m.supplier, m.buyer)):
            by_participant.append([me.enterprise.name, role[me.role], m.slot, end, m.table, other.enterprise.name,
                                   m.priority])
    by_participant.sort(key=lambda r: (r[0], order.get(r[2], 999)))
    pair = [tr("采购方", "Buyer"), tr("供应方", "Supplier"), tr("优先级", "Priority")]
    buf = io.BytesIO()
    write_table(
        buf,
        [tr("企业", "Participant"), tr("身份", "Role"), tr("开始", "Start"), tr("结束", "End"),
         tr("桌号", "Table"), tr("会谈对象", "Meets"), tr("优先级", "Priority")],
        by_participant, fmt="xlsx", title=tr("按企业", "By participant"),
        sheets=[
            (tr("按桌号", "By table"), [tr("桌号", "Table"), tr("开始", "Start"), tr("结束", "End")] + pair,
             [[m.table, m.slot, slot_end(event, m.slot), m.buyer.enterprise.name, m.supplier.enterprise.name,
               m.priority] for m in sorted(meetings, key=lambda m: (m.table, order.get(m.slot, 999)))]),
            (tr("按时段", "By slot"), [tr("开始", "Start"), tr("结束", "End"), tr("桌号", "Table")] + pair,
             [[m.slot, slot_end(event, m.slot), m.table, m.buyer.enterprise.name, m.supplier.enterprise.name,
               m.priority] for m in meetings]),
        ])
    return buf.getvalue()


def signin_sheet(session: Session, event: Event) -> list[dict]:
    """Rows of the printable sign-in sheet: approved participants with table and meeting count."""
    counts: dict[int, list[str]] = {}
    for m in stored_meetings(session, event):
        counts.setdefault(m.buyer_id, []).append(m.slot)
        counts.setdefault(m.supplier_id, []).append(m.slot)
    people = session.scalars(select(EventParticipant).options(joinedload(EventParticipant.enterprise))
                             .where(EventParticipant.event_id == event.id, EventParticipant.status == "approved")
                             ).all()
    rows = [{"participant": p, "name": p.enterprise.name, "role": p.role, "table": p.table,
             "meetings": len(counts.get(p.id, [])), "first": min(counts.get(p.id, []), default=None,
                                                                 key=lambda s: (event.slots or []).index(s)
                                                                 if s in (event.slots or []) else 999)}
            for p in people]
    return sorted(rows, key=lambda r: (r["role"], r["name"]))
