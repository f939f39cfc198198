"""What every kind of import shares: the session, the result, the enterprise index,
who imports (and which enterprises they may change), the rule for rows whose
enterprise is only similar to a stored one, and the audit entries of the rows."""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...io.schema import match_header
from ...models import AuditLog, Enterprise, User
from ...models._types import utcnow
from .bulk import insert_rows
from .lookup import EnterpriseIndex, Match, check_code
from .reasons import both
from .result import ImportResult, Similar

__all__ = ["MANAGED", "SYSTEM", "Context", "owner_code"]

_BATCH = 1000

#: Why an organiser's row may not change an enterprise that its members (or the
#: platform's verification) look after: on the site only its members and admins edit it.
MANAGED = both("该企业由其成员账号自行维护（或已通过平台核验），组织方不能通过导入修改；请联系该企业或平台管理员",
               "this enterprise is managed by its own members (or verified by the platform); "
               "ask them or an admin to change it")


class _System:
    """The command line, acting for the platform as an administrator (audit entries name no user)."""

    id = None
    role = "admin"
    is_admin = True
    is_authenticated = True
    enterprise_id = None
    organisation = None


#: Who acts when an import runs from the command line.
SYSTEM = _System()


@dataclass
class Context:
    session: Session
    result: ImportResult
    index: EnterpriseIndex
    dry_run: bool = False
    actor: object = None
    link_similar: bool | Collection | Mapping = False
    _owners: dict = field(default_factory=dict)
    _managed: dict = field(default_factory=dict)
    _audit: list = field(default_factory=list)

    def __post_init__(self):
        if isinstance(self.link_similar, Mapping):
            self.link_similar = {int(row): int(candidate) for row, candidate in self.link_similar.items()}
        elif not isinstance(self.link_similar, bool):
            self.link_similar = {int(row) for row in self.link_similar}

    @property
    def actor_id(self) -> int | None:
        return getattr(self.actor, "id", None)

    @property
    def actor_is_admin(self) -> bool:
        """The command line acts as the system; on the site, admins."""
        return self.actor is None or getattr(self.actor, "role", None) == "admin"

    @property
    def user(self):
        """Who acts, for the site's services: the actor, or :data:`SYSTEM` on the command line."""
        return SYSTEM if self.actor is None else self.actor

    # -- who may change what ------------------------------------------------------
    def managed(self, enterprise_ids) -> set[int]:
        """Those of ``enterprise_ids`` this actor may not change by import: enterprises with
        member accounts, or verified, unless the actor is an admin (or the command line)."""
        if self.actor_is_admin:
            return set()
        todo = sorted({i for i in enterprise_ids if i is not None and i > 0 and i not in self._managed})
        for start in range(0, len(todo), _BATCH):
            part = todo[start:start + _BATCH]
            held = set(self.session.scalars(select(User.enterprise_id).where(User.enterprise_id.in_(part))))
            held |= set(self.session.scalars(select(Enterprise.id).where(Enterprise.id.in_(part),
                                                                         Enterprise.verified.is_(True))))
            self._managed.update({i: i in held for i in part})
        return {i for i in enterprise_ids if self._managed.get(i)}

    # -- similar names -------------------------------------------------------------
    def linked(self, row: int | None, candidate_id: int) -> bool:
        """Whether the similar-name match of ``row`` to ``candidate_id`` is confirmed: all of
        them (True), the rows listed, or the rows mapped to this very candidate."""
        if isinstance(self.link_similar, bool):
            return self.link_similar
        if isinstance(self.link_similar, dict):
            return self.link_similar.get(row) == candidate_id
        return row in self.link_similar

    def similar(self, row: int | None, name: str, match: Match, label: str = "") -> bool:
        """Record a similar-name match; True when it is confirmed (the row goes on with
        that enterprise), else the row is held for review."""
        linked = self.linked(row, match.enterprise_id)
        self.result.similar.append(Similar(row, name, match.enterprise_id, self.index.names[match.enterprise_id],
                                           match.score, linked))
        if not linked:
            self.result.outcome(row, "review", None, label or name)
        return linked

    def ambiguous(self, name: str, match: Match, rows: Mapping | None = None) -> tuple[str, str]:
        """Why a name similar to several enterprises alike is not linked to any, naming them
        (``rows`` maps enterprises that rows of this file introduced to their row)."""
        rows = rows or {}
        zh, en = [], []
        for eid, score in match.candidates:
            stored = self.index.names.get(eid, "")
            if eid in rows:
                zh.append(f"第 {rows[eid]} 行的“{stored}”（相似度 {score:g}）")
                en.append(f"“{stored}” of row {rows[eid]} (score {score:g})")
            else:
                zh.append(f"“{stored}”（编号 {eid}，相似度 {score:g}）")
                en.append(f"“{stored}” (id {eid}, score {score:g})")
        return both("名称“{name}”与多家企业同样相近：{c_zh}；无法确定是哪一家，请填写统一社会信用代码或完整的企业名称",
                    "the name “{name}” is about as similar to several enterprises: {c_en}; it cannot be told which "
                    "one is meant, so give the credit code or the full registered name",
                    name=name, c_zh="、".join(zh), c_en="; ".join(en))

    def owner(self, row: int | None, record: dict, label: str) -> int | None:
        """The stored enterprise a posting or participant row names (credit code first),
        or None after the row is rejected or held for review."""
        name = record.get("enterprise")
        raw_code = record.get("credit_code") or owner_code(record)
        code, bad = check_code(raw_code)
        if bad:
            self.result.reject(row, "credit_code", raw_code, *bad, label=label)
            return None
        key = (name, code)
        match = self._owners.get(key)
        if match is None:
            match = self._owners[key] = self.index.find(name, code)
        if match.problem:
            self.result.reject(row, "enterprise", name, *match.problem, label=label)
            return None
        if match.how == "ambiguous":
            self.result.reject(row, "enterprise", name, *self.ambiguous(name, match), label=label)
            return None
        if match.how == "none":
            if code:
                zh, en = both("平台上没有统一社会信用代码为 {code} 或名为“{name}”的企业；请先导入企业（matchmaker import enterprises）",
                              "no enterprise with credit code {code} or named “{name}” is on the platform; "
                              "import the enterprises first (matchmaker import enterprises)", code=code, name=name)
            else:
                zh, en = both("平台上没有名为“{name}”的企业；请先导入企业（matchmaker import enterprises）",
                              "no enterprise named “{name}” is on the platform; import the enterprises first "
                              "(matchmaker import enterprises)", name=name)
            self.result.reject(row, "enterprise", name, zh, en, label=label)
            return None
        if match.how == "similar" and not self.similar(row, name, match, label):
            return None
        return match.enterprise_id

    # -- the audit trail -------------------------------------------------------------
    def audit(self, action: str, object_type: str, object_id, **details) -> None:
        """Keep an audit entry of a row's change (written in bulk by :meth:`write_audit`)."""
        if self.dry_run:
            return
        self._audit.append({"user_id": self.actor_id, "action": action, "object_type": object_type,
                            "object_id": None if object_id is None else str(object_id),
                            "details": {k: v for k, v in details.items() if v is not None}})

    def write_audit(self) -> None:
        """Write the audit entries kept so far, in one batch."""
        if not self._audit:
            return
        now = utcnow()
        insert_rows(self.session, AuditLog.__table__, [{**entry, "created_at": now} for entry in self._audit])
        self._audit.clear()


def owner_code(record: dict) -> str | None:
    """A credit code given on a posting row in a column of its own (kept by the readers as extra)."""
    for header, value in (record.get("extra") or {}).items():
        field_, _ = match_header("enterprise", header)
        if field_ is not None and field_.name == "credit_code":
            return value
    return None
