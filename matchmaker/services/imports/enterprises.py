"""Enterprise rows: found by credit code, then by name, then by a similar name; created or updated.

A value left blank keeps what is stored (a partial sheet never wipes figures
entered elsewhere). A name counts as changed only when the enterprise was
found by its credit code and the names differ beyond 繁/简, full-width and
legal form; an enterprise found by its name keeps its stored spelling. A row
linked to a stored enterprise only by a similar name (confirmed by the
organiser) fills what the enterprise leaves blank and changes nothing else.
Qualifications are added as claims (unverified); none is ever removed. The
size class is computed by the site's rule (《中小企业划型标准规定》) whenever
the industry and the figures it needs are known.

On the site only an enterprise's members and admins edit it: an organiser's
row for an enterprise that has member accounts, or is verified, is rejected
unless it changes nothing. Every created or changed enterprise, and every
claim, gets its audit entry, as the site writes them.

Two rows of one file that mean the same enterprise (the same credit code,
names differing only in 繁/简 or full-width characters, or a name similar to
an earlier row's) are not merged: the later one is rejected naming the earlier
row, so that a re-import is again a no-op and no value silently wins over another.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ...domain import uscc as uscc_rules
from ...domain.organisations import resolve_org_type
from ...domain.qualifications import normalize_qualification
from ...models import Enterprise, Qualification
from ...models._types import utcnow
from ..engines import enterprise_changed
from ..enterprises import EnterpriseDetails, EnterpriseError, classify
from ..scope import scope_of
from ..names import name_key
from . import cleaning
from .cleaning import RowError, site_rule
from .context import MANAGED, Context
from .lookup import Match, check_code
from .result import jsonable

__all__ = ["EnterpriseImport"]

_PLAIN = ("region", "city", "district", "industry", "employees", "revenue_wan", "assets_wan", "description")
_CONTACT = (("contact_name", "person"), ("contact_phone", "phone"), ("contact_email", "email"))
_CONTACT_LIMITS = {"person": 80, "phone": 40, "email": 254}
#: The figures a size rule may need (``classify`` names the one missing).
_MEASURES = ("employees", "revenue_wan", "assets_wan")
_BATCH = 1000


def _values(record: dict) -> dict:
    """The row's values as the model stores them (None: not given)."""
    values = {
        "name": cleaning.text(record, "name", 200, collapse=True),
        "region": cleaning.region(record),
        "city": cleaning.text(record, "city", 40),
        "district": cleaning.text(record, "district", 40),
        "industry": cleaning.industry(record),
        "employees": record.get("employees"),
        "revenue_wan": cleaning.wan(record, "revenue"),
        "assets_wan": cleaning.wan(record, "assets"),
        "description": cleaning.text(record, "description"),
        "qualifications": cleaning.qualification_names(record, "qualifications"),
    }
    if values["name"] is not None and len(values["name"]) < 2:
        raise RowError("name", values["name"], "请填写企业全称", "give the enterprise's full registered name")
    values["contact"] = {}
    for field_, key in _CONTACT:
        value = cleaning.text(record, field_, _CONTACT_LIMITS[key])
        if value is not None:
            values["contact"][key] = value
    return values


def _size(industry, employees, revenue_wan, assets_wan) -> tuple[str, str] | None:
    """``(size, rule)`` by the site's rule when the figures the industry's rule needs are known, else None."""
    if industry is None:
        return None
    details = EnterpriseDetails(name="", industry=industry, employees=employees, revenue_wan=revenue_wan,
                                assets_wan=assets_wan)
    found = site_rule(lambda: _classify(details), "industry", industry)
    return None if found is None else (found.size, found.rule)


def _classify(details: EnterpriseDetails):
    try:
        return classify(details)
    except EnterpriseError as exc:
        if exc.field in _MEASURES:
            return None  # a figure the rule needs is not known yet
        raise


def _org_type(code, name, stored=None) -> str:
    """The kind of organisation by its credit code (else its name); a refinement stored before is kept."""
    kind = uscc_rules.validate(code).entity_kind if code else None
    return resolve_org_type(kind, stored if stored != "enterprise" else None, name)


def _claim(name: str) -> Qualification:
    return Qualification(name=name, canonical=normalize_qualification(name)[:80])


class EnterpriseImport:
    """Applies enterprise rows, a chunk at a time."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.first_row: dict[int, int | None] = {}   # enterprise id (or stand-in) -> first row naming it
        self.changed: list[int] = []                # ids of the enterprises created or changed
        self._stand_in = 0

    def process(self, chunk: list[tuple[int | None, dict]]) -> None:
        ctx = self.ctx
        rows = []
        for row, record in chunk:
            label = record.get("name") or ""
            try:
                values = _values(record)
                code, bad = check_code(record.get("credit_code"))
                if bad:
                    raise RowError("credit_code", record.get("credit_code"), *bad)
            except RowError as exc:
                ctx.result.reject(row, exc.column, exc.value, exc.zh, exc.en, label=label)
                continue
            rows.append((row, code, values))
        # The stored enterprises the rows name by credit code or name, read at once.
        known = {ctx.index.find(values["name"], code, similar=False).enterprise_id for _, code, values in rows}
        self.existing = self._load([eid for eid in known if eid is not None and eid > 0])
        ctx.managed(self.existing)  # who looks after them, read at once
        self.created, self.claims = [], []
        for row, code, values in rows:
            self._row(row, code, values)
        if ctx.dry_run:
            return
        ctx.session.flush()
        for stand_in, outcome, ent in self.created:
            outcome.entity_id = ent.id
            ctx.index.remove(stand_in)
            ctx.index.add(ent.id, ent.name, ent.uscc)
            self.first_row[ent.id] = self.first_row.pop(stand_in)
            self.changed.append(ent.id)
            ctx.audit("enterprise.create", "Enterprise", ent.id, name=ent.name, uscc=ent.uscc, size=ent.size,
                      source="import")
        for ent, qual in self.claims:
            ctx.audit("qualification.claim", "Qualification", qual.id, enterprise_id=ent.id, name=qual.name)
        ctx.write_audit()

    def finish(self) -> None:
        """Stamp the changed enterprises now, so that the engines reading back changes by
        update time see them however long the import took."""
        if self.ctx.dry_run or not self.changed:
            return
        self.ctx.session.flush()
        now = utcnow()
        for start in range(0, len(self.changed), _BATCH):
            self.ctx.session.execute(update(Enterprise).where(Enterprise.id.in_(self.changed[start:start + _BATCH]))
                                     .values(updated_at=now))

    # ------------------------------------------------------------------------
    def _row(self, row, code, values) -> None:
        ctx = self.ctx
        name = values["name"]
        match = ctx.index.find(name, code)
        if match.problem:
            ctx.result.reject(row, "name", name, *match.problem, label=name)
            return
        if match.how == "ambiguous":
            ctx.result.reject(row, "name", name, *ctx.ambiguous(name, match, self.first_row), label=name)
            return
        target = match.enterprise_id
        if match.how == "similar" and target in self.first_row:
            self._duplicate(row, name, target, match)
            return
        if match.how == "similar" and not ctx.similar(row, name, match, name):
            return
        if target is not None and target in self.first_row:
            self._duplicate(row, name, target)
            return
        try:
            if target is None:
                target = self._create(row, code, values)
            else:
                self._update(row, self._stored(target), match.how, code, values)
        except RowError as exc:
            ctx.result.reject(row, exc.column, exc.value, exc.zh, exc.en, label=name)
            return
        self.first_row[target] = row

    def _duplicate(self, row, name, target, match: Match | None = None) -> None:
        first = self.first_row[target]
        if match is None:
            zh = f"与第 {first} 行是同一家企业（统一社会信用代码相同，或名称仅繁简、全半角不同）；请合并为一行"
            en = (f"the same enterprise as row {first} (same credit code, or names differing only in "
                  f"traditional/simplified or full-width characters); combine the two rows")
        else:
            other = self.ctx.index.names.get(target, "")
            zh = (f"与第 {first} 行的“{other}”名称相近（相似度 {match.score:g}）；若是同一家企业请合并为一行，"
                  f"若不是请各自填写统一社会信用代码")
            en = (f"similar to “{other}” of row {first} (score {match.score:g}); if they are the same enterprise "
                  f"combine the two rows, if not give each its credit code")
        self.ctx.result.reject(row, "name", name, zh, en, label=name)

    def _load(self, ids: list[int]) -> dict[int, Enterprise]:
        found = {}
        for start in range(0, len(ids), _BATCH):
            found.update({e.id: e for e in self.ctx.session.scalars(
                select(Enterprise).where(Enterprise.id.in_(ids[start:start + _BATCH]))
                .options(selectinload(Enterprise.qualifications)))})
        return found

    def _stored(self, enterprise_id: int) -> Enterprise:
        """A stored enterprise a row means (one found by a similar name is read when needed)."""
        if enterprise_id not in self.existing:
            self.existing.update(self._load([enterprise_id]))
        return self.existing[enterprise_id]

    def _create(self, row, code, values) -> int:
        """Create the row's enterprise; returns the stand-in id it is known by until written."""
        ctx = self.ctx
        _within_region(ctx, values["region"], values["city"], values["district"], values)
        # The credit code tells an enterprise from a 事业单位 (university, institute) or other body;
        # only enterprises are classed by the SME size standard.
        org_type = _org_type(code, values["name"])
        sized = _size(values["industry"], values["employees"], values["revenue_wan"], values["assets_wan"]) \
            if org_type == "enterprise" else None
        ent = Enterprise(name=values["name"], uscc=code, contact=values["contact"], chains=[], verified=False,
                         org_type=org_type, chain_leader_of=[], **{k: values[k] for k in _PLAIN})
        if sized:
            ent.size, ent.size_rule = sized
        for name in values["qualifications"]:
            qual = _claim(name)
            ent.qualifications.append(qual)
            self.claims.append((ent, qual))
        outcome = ctx.result.outcome(row, "created", None, values["name"])
        self._stand_in -= 1
        ctx.index.add(self._stand_in, values["name"], code)
        self.created.append((self._stand_in, outcome, ent))
        if not ctx.dry_run:
            ctx.session.add(ent)
        return self._stand_in

    def _update(self, row, ent: Enterprise, how: str, code, values) -> None:
        ctx = self.ctx
        fill_only = how == "similar"  # a confirmed similar name only fills what is blank
        changes = {}
        if how == "code" and name_key(values["name"]) != name_key(ent.name):
            changes["name"] = values["name"]
        if code and not ent.uscc:
            changes["uscc"] = code
        for attr in _PLAIN:
            value, stored = values[attr], getattr(ent, attr)
            if value is None or (fill_only and stored is not None):
                continue
            if value != stored:
                changes[attr] = value
        stored_contact = ent.contact or {}
        contact = ({**values["contact"], **stored_contact} if fill_only
                   else {**stored_contact, **values["contact"]})
        if contact != stored_contact:
            changes["contact"] = contact
        org_type = _org_type(changes.get("uscc", ent.uscc), changes.get("name", ent.name), ent.org_type)
        if org_type != ent.org_type:
            changes["org_type"] = org_type
        merged = {k: changes.get(k, getattr(ent, k)) for k in ("industry", "employees", "revenue_wan", "assets_wan")}
        sized = _size(**merged) if org_type == "enterprise" else None
        if org_type != "enterprise" and ent.size is not None:
            changes["size"], changes["size_rule"] = None, None  # not classed by the SME size standard
        elif sized and sized != (ent.size, ent.size_rule):
            changes["size"], changes["size_rule"] = sized
        held = {normalize_qualification(q.name)[:80] for q in ent.qualifications}
        claims = [n for n in values["qualifications"] if normalize_qualification(n)[:80] not in held]
        if not changes and not claims:
            ctx.result.outcome(row, "unchanged", ent.id, ent.name)
            return
        if ctx.managed([ent.id]):
            raise RowError(None, None, *MANAGED)
        _within_region(ctx, ent.region, ent.city, ent.district, values)
        ctx.result.outcome(row, "updated", ent.id, changes.get("name", ent.name))
        if "name" in changes or "uscc" in changes:
            ctx.index.add(ent.id, changes.get("name", ent.name), changes.get("uscc", ent.uscc))
        if ctx.dry_run:
            return
        if changes:
            ctx.audit("enterprise.update", "Enterprise", ent.id, source="import",
                      changed={attr: [_audit_value(getattr(ent, attr)), _audit_value(value)]
                               for attr, value in changes.items()})
        for attr, value in changes.items():
            setattr(ent, attr, value)
        if "name" in changes and ent.verified:
            ent.verified_name = ent.name  # an admin's correction keeps the verification, under the new name
        for name in claims:
            qual = _claim(name)
            ent.qualifications.append(qual)
            self.claims.append((ent, qual))
        if claims:
            enterprise_changed(ent)  # the postings' records read the claims
        self.changed.append(ent.id)


def _within_region(ctx: Context, region, city, district, values: dict) -> None:
    """A regional organiser imports only enterprises of its region, as stored and as the row would move them."""
    scope = scope_of(ctx.user)
    if scope.national:
        return
    moved = (values["region"] or region, values["city"] or city, values["district"] or district)
    if not (scope.contains(region, city, district) and scope.contains(*moved)):
        raise RowError("region", values["region"] or region or "",
                       f"该企业不在您的管辖范围（{scope.label}）内；请填写所在省份、城市，或请管辖该地区的组织方导入",
                       f"this enterprise lies outside your region ({scope.label}); give its province and city, "
                       f"or ask the organiser of its region to import it")


def _audit_value(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return jsonable(value)
