"""Demand and capability rows: one posting per (enterprise, file id), written in bulk.

A posting is identified by its enterprise and the file's ``id`` (stored as
``ref``). A posting created on the site has no ``ref``: exports write it as
``D<n>``/``C<n>`` (its own number), and such an id finds that enterprise's
posting number n again, so an export imports into the same database without a
copy. The enterprise is named by credit code (a ``credit_code`` column) or by
name, and must be on the platform already: a row naming an unknown enterprise
is rejected with a hint to import the enterprises first.

The rules of the site hold, by the site's own functions: any organisation may
have demands and capabilities (an organiser's or admin's import publishes as the
platform, so an enterprise not yet verified may have published demands);
payment terms keep to 《保障中小企业款项支付条例》
(:func:`~matchmaker.services.payment_terms.check_payment_terms`; a demand
without a payment term is kept as a draft, never published); regions, chain
nodes, qualification lists and amounts are cleaned as the site cleans them. A
capability row without chain nodes gets the nodes inferred from its title and
description, as the site suggests them (``chain_nodes_inferred``); a demand
keeps the nodes it names and the matching engine infers the rest, as for
demands posted on the site. Qualifications a capability names that its
enterprise has not claimed are added to the enterprise's claims (unverified),
as if the SME had listed them on its profile. On the site only an enterprise's
members and admins post for it: an organiser's row for an enterprise with
member accounts, or a verified one, is rejected unless it changes nothing.

An import never publishes what was not published, and never lists again what
was unlisted. A new demand whose ``status`` is blank or ``published`` is
published when the site would publish it (a procurement, or a challenge with
its acceptance criteria and IP terms, not past its deadline), else kept as a
draft; ``draft``, ``closed``, ``awarded`` and ``cancelled`` are kept as given.
A stored demand's status is changed on the site only (where its applicants are
told): a row asking another status than ``published`` is rejected. An existing
demand changes only while it is a draft or published without applications. A
new capability is listed unless ``active`` says no; a row may unlist a listed
one. Blank values keep what is stored, ``kind`` included (new demands are
procurements).

Rows go in by batch (:mod:`.bulk`: COPY on PostgreSQL), not one flush per
object, so the session's flush hooks do not see them: the search index entries
are written here (in the index's own form), and the matching engine is told of
a few changed postings one by one, or of many by the update times it watches
(see :mod:`matchmaker.services.engines`): the changed postings are stamped
again when the import ends, so that a long import is not missed. Every created
or changed posting, and every claim added, gets its audit entry, as on the site.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

import graph as chaingraph

from ...domain.qualifications import normalize_qualification
from ...matching.inference import NodeInferrer
from ...models import (
    Application,
    Capability,
    Demand,
    Enterprise,
    Qualification,
    SearchEntry,
)
from ...models._types import utcnow
from ...presentation import STATUS_LABELS
from .. import matching, search
from ..chains import chains_document
from ..demands import ACTIVE_APPLICATION_STATUSES, _ready_to_publish
from ..engines import registry_of
from ..errors import ServiceError
from ..payment_terms import check_payment_terms
from ..postings.fields import today
from . import cleaning
from .bulk import insert_rows
from .cleaning import RowError, site_rule
from ..scope import scope_of
from .context import MANAGED, Context, owner_code
from .result import jsonable

__all__ = ["ENGINE_INLINE", "PostingImport"]

#: At most this many changed postings are handed to the matching engine one by one;
#: more are left to the engine's own catch-up (the tables' update times), which
#: rebuilds in the background rather than patching a request at a time.
ENGINE_INLINE = 50
_BATCH = 1000
#: Status words a row may give for a demand that the import keeps as given when creating it.
_KEPT_STATUSES = ("draft", "closed", "awarded", "cancelled")


def _audit_value(value):
    """A value as audit details keep it (JSON): dates in ISO form, amounts as text, lists as lists."""
    if isinstance(value, (list, tuple)):
        return [_audit_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _audit_value(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return jsonable(value)


class PostingImport:
    """Applies demand (``kind="demands"``) or capability rows, a chunk at a time."""

    def __init__(self, ctx: Context, kind: str):
        self.ctx = ctx
        self.kind = kind
        self.model = Demand if kind == "demands" else Capability
        self.object_type = self.model.__name__
        self.action = "demand" if kind == "demands" else "capability"
        self.prefix = "D" if kind == "demands" else "C"
        self.enterprises: dict[int, Enterprise] = {}
        self.claims_held: dict[int, dict[str, str]] = {}  # enterprise id -> {canonical: name}
        self.changed: list[int] = []
        self.created: list[tuple] = []  # id, title, description of new postings
        self.claimed: set[int] = set()  # enterprises given new claims
        self._graph = None
        self._inferrer = None
        self._today = today()

    # -- the chains ----------------------------------------------------------
    def graph(self):
        if self._graph is None:
            registry = registry_of(self.ctx.session)
            if registry.ready:
                self._graph = registry.graph(self.ctx.session)
                self._inferrer = registry.inferrer(self.ctx.session)
            else:  # no engines fitted in this process: the graph and inferrer alone are enough
                self._graph = chaingraph.load_chains(chains_document(self.ctx.session))
        return self._graph

    def inferrer(self):
        G = self.graph()
        if self._inferrer is None and G.number_of_nodes():
            self._inferrer = NodeInferrer(G).fit()
        return self._inferrer

    # -- rows ----------------------------------------------------------------
    def process(self, chunk: list[tuple[int | None, dict]]) -> None:
        ctx = self.ctx
        planned = []
        for row, record in chunk:
            label = record.get("title") or record.get("id") or ""
            owner = ctx.owner(row, record, label)
            if owner is None:
                continue
            planned.append((row, owner, record))
        self._load_enterprises({owner for _, owner, _ in planned})
        managed = ctx.managed({owner for _, owner, _ in planned})
        scope = scope_of(ctx.user)
        outside = set() if scope.national else {
            owner for _, owner, _ in planned if owner in self.enterprises and not scope.contains(
                self.enterprises[owner].region, self.enterprises[owner].city, self.enterprises[owner].district)}
        existing = self._existing(planned)
        inserts, updates, claims, infer = [], [], [], []
        now = utcnow()
        for row, owner, record in planned:
            label = record.get("title") or record.get("id") or ""
            try:
                if owner in outside:
                    raise RowError("enterprise", label,
                                   f"该企业不在您的管辖范围（{scope.label}）内，不能为其导入需求或能力",
                                   f"this enterprise lies outside your region ({scope.label}); its postings "
                                   f"cannot be imported by you")
                values = self._values(owner, record)
                stored = existing.get((owner, values["ref"]))
                new_claims = []
                if stored is None:
                    new = self._new(owner, values, new_claims, now)
                    if owner in managed:
                        raise RowError(None, None, *MANAGED)
                else:
                    change = self._change(owner, stored, values, new_claims)
                    if change and owner in managed:
                        raise RowError(None, None, *MANAGED)
            except RowError as exc:
                ctx.result.reject(row, exc.column, exc.value, exc.zh, exc.en, label=label)
                continue
            self._hold(new_claims)
            claims.extend(new_claims)
            if stored is None:
                outcome = ctx.result.outcome(row, "created", None, values["title"])
                inserts.append((outcome, new))
                if self.kind == "capabilities" and not new["chain_nodes"]:
                    infer.append(new)
                continue
            if not change:
                ctx.result.outcome(row, "unchanged", stored["id"], stored["title"])
                continue
            ctx.result.outcome(row, "updated", stored["id"], change.get("title", stored["title"]))
            ctx.audit(f"{self.action}.update", self.object_type, stored["id"], source="import",
                      changed={name: [_audit_value(stored[name]), _audit_value(value)]
                               for name, value in change.items() if not name.startswith("_") and name in stored})
            change["id"] = stored["id"]
            change["updated_at"] = now
            if change.pop("_infer", False):
                infer.append(change)
            updates.append(change)
        if infer:
            self._infer(infer)
        if ctx.dry_run:
            return
        self._write(inserts, updates, claims)
        ctx.write_audit()

    def _values(self, owner: int, record: dict) -> dict:
        values = {
            "ref": cleaning.text(record, "id", 40),
            "title": cleaning.text(record, "title", 200),
            "description": cleaning.text(record, "description"),
            "chain_nodes": cleaning.chain_nodes(record, self.graph()),
            "region": cleaning.region(record),
            "extra": {k: jsonable(v) for k, v in (record.get("extra") or {}).items()
                      if v is not None and owner_code({"extra": {k: v}}) is None},
        }
        if self.kind == "capabilities":
            values["qualifications"] = cleaning.qualification_names(record, "qualifications")
            values["capacity"] = cleaning.text(record, "capacity", 200)
            values["active"] = record.get("active")
            return values
        values["kind"] = record.get("kind")
        values["required_qualifications"] = cleaning.qualification_names(record, "required_qualifications")
        values["budget"] = cleaning.amount(record, "budget")
        values["deadline"] = cleaning.date(record, "deadline")
        values["payment_days"] = record.get("payment_days")
        values["acceptance_days"] = record.get("acceptance_days")
        values["quantity"] = cleaning.amount(record, "quantity")
        values["unit"] = cleaning.text(record, "unit", 20)
        values["acceptance_criteria"] = cleaning.text(record, "acceptance_criteria", 10_000)
        values["ip_terms"] = cleaning.text(record, "ip_terms", 10_000)
        values["status"] = record.get("status")
        return values

    def _check_payment(self, owner: int, days: int | None, acceptance_days: int | None) -> None:
        """The payment terms a row gives keep to the regulation (as the site checks them)."""
        if days is None:
            return
        ent = self.enterprises[owner]
        site_rule(lambda: check_payment_terms(ent, days, acceptance_days=acceptance_days), "payment_days", days)

    # -- new and changed postings ----------------------------------------------
    def _qualifications(self, owner: int, names: list[str], claims: list) -> list[str]:
        """The enterprise's spelling of each named qualification; claims it lacks go to ``claims``."""
        held = self.claims_held[owner]
        missing = {}
        out = []
        for name in names:
            key = normalize_qualification(name)[:80]
            if key not in held and key not in missing:
                missing[key] = name
                claims.append({"enterprise_id": owner, "name": name, "canonical": key})
            out.append(held.get(key) or missing[key])
        return out

    def _hold(self, claims: list) -> None:
        """The claims of an accepted row are the enterprise's from now on."""
        for claim in claims:
            self.claims_held[claim["enterprise_id"]][claim["canonical"]] = claim["name"]

    def _new(self, owner: int, values: dict, claims: list, now) -> dict:
        ent = self.enterprises[owner]
        new = {"ref": values["ref"], "enterprise_id": owner, "title": values["title"],
               "description": values["description"] or "", "chain_nodes": values["chain_nodes"] or [],
               "extra": values["extra"], "created_at": now, "updated_at": now}
        if self.kind == "capabilities":
            new.update(region=values["region"] or ent.region, chain_nodes_inferred=False,
                       active=values["active"] is not False, capacity=values["capacity"],
                       qualifications=self._qualifications(owner, values["qualifications"], claims))
            return new
        self._check_payment(owner, values["payment_days"], values["acceptance_days"])
        new.update({k: values[k] for k in ("region", "required_qualifications", "budget", "deadline", "payment_days",
                                           "acceptance_days", "quantity", "unit", "acceptance_criteria", "ip_terms")})
        new["kind"] = values["kind"] or "procurement"
        status = values["status"]
        if status in _KEPT_STATUSES:
            new.update(status=status, published_at=None)
        else:
            publish = self._publishable(ent, new)
            new.update(status="published" if publish else "draft", published_at=now if publish else None)
        return new

    @staticmethod
    def _publishable(ent: Enterprise, new: dict) -> bool:
        """Whether the site would publish the new demand as it stands."""
        draft = Demand(kind=new["kind"], deadline=new["deadline"], payment_days=new["payment_days"],
                       acceptance_days=new["acceptance_days"], acceptance_criteria=new["acceptance_criteria"],
                       ip_terms=new["ip_terms"], enterprise=ent)
        try:
            _ready_to_publish(draft)
        except ServiceError:
            return False
        return True

    def _change(self, owner: int, stored: dict, values: dict, claims: list) -> dict:
        change = {}
        fields = ["title", "description", "chain_nodes", "region"]
        if self.kind == "capabilities":
            if values["qualifications"]:
                values["qualifications"] = self._qualifications(owner, values["qualifications"], claims)
            fields += ["qualifications", "capacity"]
            if values["active"] is False and stored["active"]:
                change["active"] = False  # unlisted; an import never lists one again
        else:
            fields += ["kind", "required_qualifications", "budget", "deadline", "payment_days", "acceptance_days",
                       "quantity", "unit", "acceptance_criteria", "ip_terms"]
            self._check_status(stored, values["status"])
        for name in fields:
            value = values[name]
            if value is None or value == []:
                continue  # blank: keep what is stored
            if value != stored[name]:
                change[name] = value
        extra = {**(stored["extra"] or {}), **values["extra"]}
        if extra != (stored["extra"] or {}):
            change["extra"] = extra
        if not change:
            claims.clear()
            return change
        if self.kind == "capabilities":
            if "chain_nodes" in change:
                change["chain_nodes_inferred"] = False
            elif stored["chain_nodes_inferred"] and ("title" in change or "description" in change):
                change.update(_infer=True, title=change.get("title", stored["title"]),
                              description=change.get("description", stored["description"]))
            return change
        if stored["status"] != "draft" and (stored["status"] != "published" or stored["applications"]):
            raise RowError(None, None, "该需求已有企业申请或已不在发布中，不能再通过导入修改；请在网站上截止或取消后发布新需求",
                           "this demand has applications or is no longer published, so an import cannot change it; "
                           "close or cancel it on the site and post a new one")
        if "payment_days" in change or "acceptance_days" in change:
            self._check_payment(owner, change.get("payment_days", stored["payment_days"]),
                                change.get("acceptance_days", stored["acceptance_days"]))
        return change

    @staticmethod
    def _check_status(stored: dict, status: str | None) -> None:
        """A row may not move a stored demand along its lifecycle (``published`` is a wish
        for new demands, and an import never publishes a stored one)."""
        if status is None or status == "published" or status == stored["status"]:
            return
        now_zh, now_en = STATUS_LABELS["demand"][stored["status"]]
        want_zh, want_en = STATUS_LABELS["demand"][status]
        raise RowError("status", status,
                       f"平台上该需求为“{now_zh}”；导入不改变需求状态，请在网站上改为“{want_zh}”（申请方会收到通知）",
                       f"the demand is “{now_en.lower()}” on the platform; an import does not change a demand's "
                       f"status: make it “{want_en.lower()}” on the site, where its applicants are told")

    def _infer(self, postings: list[dict]) -> None:
        inferrer = self.inferrer()
        if inferrer is None:
            return
        texts = [f"{p['title']}\n{p.get('description') or ''}" for p in postings]
        for posting, found in zip(postings, inferrer.infer_many(texts, 3)):
            nodes = [node for node, _ in found]
            posting["chain_nodes"] = nodes
            posting["chain_nodes_inferred"] = bool(nodes)

    # -- reading -------------------------------------------------------------
    def _load_enterprises(self, ids: set[int]) -> None:
        todo = sorted(i for i in ids if i not in self.enterprises)
        for start in range(0, len(todo), _BATCH):
            part = todo[start:start + _BATCH]
            for ent in self.ctx.session.scalars(select(Enterprise).where(Enterprise.id.in_(part))):
                self.enterprises[ent.id] = ent
                self.claims_held[ent.id] = {}
            for eid, name in self.ctx.session.execute(
                    select(Qualification.enterprise_id, Qualification.name)
                    .where(Qualification.enterprise_id.in_(part)).order_by(Qualification.id)):
                self.claims_held[eid].setdefault(normalize_qualification(name)[:80], name)

    def _existing(self, planned) -> dict:
        """The stored postings the rows mean, by ``(enterprise id, file id)``: by their
        ``ref``, or (``D<n>``/``C<n>`` of an export) by their own number when they have none."""
        model = self.model
        refs = {str(record.get("id")).strip() for _, _, record in planned if record.get("id") is not None}
        owners = sorted({owner for _, owner, _ in planned})
        if not refs:
            return {}
        columns = [model.id, model.enterprise_id, model.ref, model.title, model.description, model.chain_nodes,
                   model.region, model.extra]
        if model is Capability:
            columns += [Capability.qualifications, Capability.chain_nodes_inferred, Capability.active,
                        Capability.capacity]
        else:
            columns += [Demand.kind, Demand.required_qualifications, Demand.budget, Demand.deadline,
                        Demand.payment_days, Demand.acceptance_days, Demand.quantity, Demand.unit,
                        Demand.acceptance_criteria, Demand.ip_terms, Demand.status]
        found = {}
        refs = sorted(refs)
        for start in range(0, len(refs), _BATCH):
            stmt = select(*columns).where(model.ref.in_(refs[start:start + _BATCH]), model.enterprise_id.in_(owners))
            for row in self.ctx.session.execute(stmt).mappings():
                found[(row["enterprise_id"], row["ref"])] = dict(row)
        numbered = re.compile(rf"{self.prefix}([1-9]\d{{0,17}})")
        numbers = sorted({int(m.group(1)) for ref in refs if (m := numbered.fullmatch(ref))})
        for start in range(0, len(numbers), _BATCH):
            stmt = select(*columns).where(model.id.in_(numbers[start:start + _BATCH]), model.ref.is_(None),
                                          model.enterprise_id.in_(owners))
            for row in self.ctx.session.execute(stmt).mappings():
                found.setdefault((row["enterprise_id"], f"{self.prefix}{row['id']}"), dict(row))
        if model is Demand and found:
            ids = [r["id"] for r in found.values()]
            counts = dict(self.ctx.session.execute(
                select(Application.demand_id, func.count()).where(Application.demand_id.in_(ids),
                                                                  Application.status.in_(ACTIVE_APPLICATION_STATUSES))
                .group_by(Application.demand_id)).all())
            for r in found.values():
                r["applications"] = counts.get(r["id"], 0)
        return found

    # -- writing -------------------------------------------------------------
    def _write(self, inserts: list, updates: list, claims: list) -> None:
        session = self.ctx.session
        model = self.model
        if claims:
            now = utcnow()
            claim_ids = insert_rows(session, Qualification.__table__,
                                    [{**c, "verified": False, "created_at": now} for c in claims])
            for claim, claim_id in zip(claims, claim_ids):
                self.ctx.audit("qualification.claim", "Qualification", claim_id,
                               enterprise_id=claim["enterprise_id"], name=claim["name"])
            touched = sorted({c["enterprise_id"] for c in claims})
            self.claimed.update(touched)
            session.execute(update(Enterprise).where(Enterprise.id.in_(touched)).values(updated_at=now))
        ids = insert_rows(session, model.__table__, [values for _, values in inserts])
        for (outcome, values), new_id in zip(inserts, ids):
            outcome.entity_id = new_id
            self.created.append((new_id, values["title"], values["description"]))
            self.ctx.audit(f"{self.action}.create", self.object_type, new_id, ref=values["ref"], source="import")
        for start in range(0, len(updates), _BATCH):
            session.execute(update(model), updates[start:start + _BATCH])
        self.changed.extend(ids)
        self.changed.extend(u["id"] for u in updates)

    def finish(self) -> None:
        """Stamp what changed now, index it for the site search and tell the matching engine.

        Rows carry the time of their chunk until here; a long import commits minutes
        later, and the engines read back changes by update time (with a slack of
        :data:`~matchmaker.services.engines.CLOCK_SLACK`), so the changed postings
        (and the enterprises given new claims) are stamped again, and their index
        entries written with that very stamp, so that :func:`~.search.sync_index`
        does not write them twice.
        """
        if self.ctx.dry_run or not self.changed:
            return
        session = self.ctx.session
        model = self.model
        now = utcnow()
        for start in range(0, len(self.changed), _BATCH):
            session.execute(update(model).where(model.id.in_(self.changed[start:start + _BATCH]))
                            .values(updated_at=now).execution_options(synchronize_session=False))
        claimed = sorted(self.claimed)
        for start in range(0, len(claimed), _BATCH):
            session.execute(update(Enterprise).where(Enterprise.id.in_(claimed[start:start + _BATCH]))
                            .values(updated_at=now).execution_options(synchronize_session=False))
        if session.get_bind().dialect.name == "postgresql" and self.created:
            # New postings have no index entry yet: write them as the index would, in one stream.
            kind = "capability" if model is Capability else "demand"
            for start in range(0, len(self.created), _BATCH):
                part = self.created[start:start + _BATCH]
                titles = search.index_texts([title for _, title, _ in part])
                bodies = search.index_texts([body or "" for _, _, body in part])
                insert_rows(session, SearchEntry.__table__, [
                    {"object_type": kind, "object_id": pid, "title": t, "body": b, "source_updated_at": now}
                    for (pid, _, _), t, b in zip(part, titles, bodies)])
        search.sync_index(session)  # changed postings (and new ones elsewhere), stamped `now`
        if len(self.changed) <= ENGINE_INLINE:
            options = (selectinload(Capability.enterprise).selectinload(Enterprise.qualifications)
                       if model is Capability else selectinload(Demand.enterprise))
            rows = session.scalars(select(model).where(model.id.in_(self.changed)).options(options)
                                   .execution_options(populate_existing=True)).all()
            for posting in rows:
                if model is Capability:
                    matching.capability_changed(session, posting)
                else:
                    matching.demand_changed(session, posting)
