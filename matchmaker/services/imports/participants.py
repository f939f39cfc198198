"""Fair participant rows (``--event``): register enterprises already on the platform.

An import is the organisers registering enterprises on their behalf, as on the
event's page, through the same services (:mod:`matchmaker.services.events.core`):
each listed enterprise takes part approved (``register``; a pending registration
is approved with ``review_participant``), in the role given, with its table
(buyers only) and meeting limit (``assign_table``); the enterprise is told and
every step has its audit entry. A participant that withdrew or was declined is
registered again; one that is registered in the other role keeps it (the role
changes on the event's page, where its meeting requests are handled). Blank
values keep what is stored. At a fair that admits only verified organisations an
unverified one is refused: admitting it is the organisers' explicit choice, made
one by one on the event's page (:func:`.admission.check_admission`).

Each row is applied inside a savepoint, so a row refused halfway (a table taken,
say) leaves nothing behind; a dry run applies every row the same way and rolls
all of it back at the end.
"""
from __future__ import annotations

from sqlalchemy import select

from ...models import Enterprise, Event, EventParticipant
from ..events.admission import admits
from ..events.core import assign_table, register, review_participant
from .cleaning import RowError, site_rule
from .context import Context

__all__ = ["ParticipantImport"]

_ROLE_ZH = {"buyer": "采购方", "supplier": "供应方"}


class ParticipantImport:
    """Applies participant rows of one event, a chunk at a time."""

    def __init__(self, ctx: Context, event: Event):
        self.ctx = ctx
        self.event = event
        self.by_enterprise = {p.enterprise_id: p for p in ctx.session.scalars(
            select(EventParticipant).where(EventParticipant.event_id == event.id))}
        self.first_row: dict[int, int | None] = {}
        self._dry = ctx.session.begin_nested() if ctx.dry_run else None

    def process(self, chunk: list[tuple[int | None, dict]]) -> None:
        ctx = self.ctx
        for row, record in chunk:
            label = record.get("enterprise") or ""
            owner = ctx.owner(row, record, label)
            if owner is None:
                continue
            if owner in self.first_row:
                first = self.first_row[owner]
                ctx.result.reject(row, "enterprise", label, f"与第 {first} 行是同一家企业；每家企业只能登记一次",
                                  f"the same enterprise as row {first}; an enterprise takes part once",
                                  label=label)
                continue
            savepoint = ctx.session.begin_nested()
            try:
                action, participant = self._apply(owner, record)
            except RowError as exc:
                savepoint.rollback()
                self.by_enterprise = {p.enterprise_id: p for p in ctx.session.scalars(
                    select(EventParticipant).where(EventParticipant.event_id == self.event.id))}
                ctx.result.reject(row, exc.column, exc.value, exc.zh, exc.en, label=label)
                continue
            savepoint.commit()
            self.by_enterprise[owner] = participant
            self.first_row[owner] = row
            ctx.result.outcome(row, action, None if ctx.dry_run and action == "created" else participant.id, label)

    def _apply(self, owner: int, record: dict) -> tuple[str, EventParticipant]:
        """Register the row's enterprise as the row says: ``(outcome, participant)``."""
        ctx, event, user = self.ctx, self.event, self.ctx.user
        role, table, limit = record["role"], record.get("table"), record.get("max_meetings")
        existing = self.by_enterprise.get(owner)
        if existing is not None and existing.status in ("approved", "pending") and existing.role != role:
            raise RowError("role", role,
                           f"该企业已作为{_ROLE_ZH[existing.role]}报名；请在对接会页面修改其身份",
                           f"this enterprise is registered as {existing.role}; change its role on the fair's page")
        enterprise = ctx.session.get(Enterprise, owner)
        if (existing is None or existing.status != "approved") and not admits(event, enterprise):
            raise RowError("enterprise", record.get("enterprise"),
                           "本场只接受已核验单位；如确需邀请，请在对接会页面逐个代报名并确认",
                           "this fair admits only verified organisations; to invite this one all the same, "
                           "register it on the fair's page, one by one, and confirm")
        if existing is None or existing.status in ("withdrawn", "rejected"):
            participant = site_rule(lambda: register(ctx.session, user, event, role, enterprise=enterprise),
                                    "role", role)
            action = "created" if existing is None else "updated"
        elif existing.status == "pending":
            participant = site_rule(lambda: review_participant(ctx.session, user, existing, True), "role", role)
            action = "updated"
        else:
            participant, action = existing, "unchanged"
        table = participant.table if table is None else table
        limit = participant.max_meetings if limit is None else limit
        if (table, limit) != (participant.table, participant.max_meetings):
            site_rule(lambda: assign_table(ctx.session, user, participant, table, limit), "table", table)
            action = "updated" if action == "unchanged" else action
        ctx.session.flush()
        return action, participant

    def finish(self) -> None:
        if self._dry is not None:
            self._dry.rollback()
        else:
            self.ctx.session.flush()
