"""Open Contracting Data Standard 1.1: releases and release packages from plain facts.

The platform's demands are contracting processes: a procurement demand or a
揭榜挂帅 challenge is a tender, the applications its owner accepts are awards.
This module turns plain facts about one moment of a demand (:class:`ReleaseFacts`)
into an OCDS release, and a list of releases into a release package. It knows
nothing of the database; :mod:`matchmaker.services.ocds` gathers the facts.

Mapping choices (the core schema has no field for some of them):

- ``tender.mainProcurementCategory``: the demand has no category of its own. A
  challenge is ``services`` (a research and development task); a procurement is
  ``works`` or ``services`` when its title says so (工程/施工…, 服务/咨询/代工…),
  otherwise ``goods``.
- items carry our chain node as classification (scheme ``MATCHMAKER-CHAIN``, the
  node id, "链 · 环节"); further nodes and, for a challenge, the GB/T 4754-2017
  division 73 研究和试验发展 are additional classifications.
- parties: a credit code of a 工商 registration (first character ``9``) is the
  party's identifier under the org-id scheme ``CN-SAIC``, which lists that
  register; the party id is ``CN-SAIC-<code>``. ``details.scale`` (Party Scale
  extension) is micro / sme / large by 《中小企业划型标准规定》, and
  ``details.classifications`` (Organization Classification extension) the
  enterprise's industry as a GB/T 4754-2017 code where the size standard's
  industry names one (工业 spans three sections and 其他未列明行业 none, so
  those have no code).
- awards name the supplier and date but no ``value``: the price an applicant
  quoted is private on the site (only the demand's owner sees it).
- payment terms are a milestone of type ``financing`` and acceptance
  (验收) one of type ``delivery``, each with a sentence; the IP terms of a
  challenge close the tender description.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from .schema import SCHEMAS

__all__ = [
    "CHAIN_SCHEME",
    "EXTENSIONS",
    "INDUSTRY_CODES",
    "INDUSTRY_SCHEME",
    "OCDS_VERSION",
    "ORG_SCHEME",
    "RELEASE_TAGS",
    "AmendmentFacts",
    "AwardFacts",
    "Organisation",
    "ReleaseFacts",
    "Terms",
    "deadline_end",
    "party_id",
    "procurement_category",
    "release",
    "release_package",
    "rfc3339",
    "tender_status",
]

OCDS_VERSION = "1.1"
#: The release tags the platform's releases carry.
RELEASE_TAGS = ("tender", "tenderUpdate", "tenderAmendment", "tenderCancellation", "award", "awardCancellation")
CURRENCY = "CNY"
LANGUAGE = "zh"
CHAIN_SCHEME = "MATCHMAKER-CHAIN"
INDUSTRY_SCHEME = "GB/T 4754-2017"
#: org-id.guide's list for China's market-regulation register, whose numbers are
#: the unified social credit codes beginning with 9 (工商).
ORG_SCHEME = "CN-SAIC"
#: Extensions whose fields the packages use: ``links``, ``parties.details.scale``,
#: ``parties.details.classifications``.
_EXTENSION_HOME = "https://raw.githubusercontent.com/open-contracting-extensions"
EXTENSIONS = (
    f"{_EXTENSION_HOME}/ocds_pagination_extension/master/extension.json",
    f"{_EXTENSION_HOME}/ocds_partyDetails_scale_extension/master/extension.json",
    f"{_EXTENSION_HOME}/ocds_organizationClassification_extension/1.1/extension.json",
)

#: Industries of the SME size standard (domain.size) -> their GB/T 4754-2017 code and name.
INDUSTRY_CODES = {
    "农林牧渔业": ("A", "农、林、牧、渔业"),
    "建筑业": ("E", "建筑业"),
    "批发业": ("51", "批发业"),
    "零售业": ("52", "零售业"),
    "交通运输业": ("G", "交通运输、仓储和邮政业"),
    "仓储业": ("G", "交通运输、仓储和邮政业"),
    "邮政业": ("60", "邮政业"),
    "住宿业": ("61", "住宿业"),
    "餐饮业": ("62", "餐饮业"),
    "信息传输业": ("I", "信息传输、软件和信息技术服务业"),
    "软件和信息技术服务业": ("65", "软件和信息技术服务业"),
    "房地产开发经营": ("7010", "房地产开发经营"),
    "物业管理": ("7020", "物业管理"),
    "租赁和商务服务业": ("L", "租赁和商务服务业"),
}
#: What a 揭榜挂帅 challenge buys: a research and development task.
CHALLENGE_INDUSTRY = ("73", "研究和试验发展")

_CHINA = dt.timezone(dt.timedelta(hours=8))
_WORKS = re.compile("工程|施工|土建|装修")
_SERVICES = re.compile("服务|咨询|培训|运维|维保|外包|代工|租赁")
_SCALES = {"micro": "micro", "small": "sme", "medium": "sme", "large": "large"}
_STATUS = {"published": "active", "closed": "complete", "awarded": "complete", "cancelled": "cancelled"}
#: Names of the demand's fields that the demand record (io.schema) does not have.
_FIELD_NAMES = {"quantity": "数量", "unit": "单位", "acceptance_criteria": "验收标准", "ip_terms": "知识产权归属"}
#: Fields whose old and new values an amendment spells out (the others are only named).
_SHORT_FIELDS = ("budget", "deadline", "quantity", "unit", "payment_days", "acceptance_days", "region", "kind")


@dataclass(frozen=True)
class Organisation:
    """An enterprise as a party: its platform id, name, credit code, where it is, its size and industry."""

    key: int
    name: str
    credit_code: str | None = None
    region: str | None = None
    city: str | None = None
    size: str | None = None
    industry: str | None = None


@dataclass(frozen=True)
class Terms:
    """What a demand said at one moment (the fields of the demand record)."""

    kind: str
    title: str
    description: str = ""
    chain_nodes: tuple = ()
    quantity: Decimal | None = None
    unit: str | None = None
    budget: Decimal | None = None
    deadline: dt.date | None = None
    region: str | None = None
    required_qualifications: tuple = ()
    payment_days: int | None = None
    acceptance_days: int | None = None
    acceptance_criteria: str | None = None
    ip_terms: str | None = None


@dataclass(frozen=True)
class AwardFacts:
    """An accepted application: when and to whom (never the price quoted, which is private)."""

    key: int
    date: dt.datetime
    supplier: Organisation


@dataclass(frozen=True)
class AmendmentFacts:
    """A change to a published demand: the release that made it, the one it amends, and
    ``changed`` as ``(field, old, new)`` triples (empty when the change was not itemised)."""

    date: dt.datetime
    release_id: str
    amends_release_id: str
    changed: tuple = ()


@dataclass(frozen=True)
class ReleaseFacts:
    """One release: the demand as it stood at ``date``, after the event the ``tags`` name."""

    ocid: str
    release_id: str
    date: dt.datetime
    tags: tuple
    demand_id: int
    status: str
    buyer: Organisation
    terms: Terms
    tender_start: dt.datetime
    awards: tuple = ()
    amendments: tuple = ()


def rfc3339(value: dt.datetime) -> str:
    """A timestamp in UTC to the second, e.g. ``2026-12-07T14:24:21Z`` (naive values are UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def deadline_end(day: dt.date) -> str:
    """The last second of a deadline day in China (the day itself still takes applications)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), _CHINA).isoformat()


def tender_status(status: str) -> str:
    """OCDS tender status of a demand status (published -> active, closed/awarded -> complete…)."""
    return _STATUS[status]


def procurement_category(kind: str, title: str) -> str:
    """``goods``, ``works`` or ``services`` (see the module notes)."""
    if kind == "challenge":
        return "services"
    if _WORKS.search(title or ""):
        return "works"
    if _SERVICES.search(title or ""):
        return "services"
    return "goods"


def _number(value):
    if value is None:
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def party_id(org: Organisation) -> str:
    code = org.credit_code or ""
    if len(code) == 18 and code.startswith("9"):
        return f"{ORG_SCHEME}-{code}"
    return f"MATCHMAKER-ENTERPRISE-{org.key}"


def _reference(org: Organisation) -> dict:
    return {"id": party_id(org), "name": org.name}


def _party(org: Organisation, roles: Sequence[str]) -> dict:
    identifier = None
    if party_id(org).startswith(ORG_SCHEME + "-"):
        identifier = {"scheme": ORG_SCHEME, "id": org.credit_code, "legalName": org.name}
    industry = INDUSTRY_CODES.get(org.industry or "")
    details = _drop_empty({
        "scale": _SCALES.get(org.size or ""),
        "classifications": [{"scheme": INDUSTRY_SCHEME, "id": industry[0], "description": industry[1]}]
        if industry else None,
    })
    return _drop_empty({
        "id": party_id(org), "name": org.name, "identifier": identifier,
        "address": _drop_empty({"region": org.region, "locality": org.city, "countryName": "中国"}),
        "roles": list(roles), "details": details,
    })


def _classifications(terms: Terms, nodes: Mapping[str, tuple[str, str]], site: str) -> list[dict]:
    out = []
    for node in terms.chain_nodes:
        name, chain = nodes.get(node, (node, ""))
        out.append({"scheme": CHAIN_SCHEME, "id": node, "description": f"{chain} · {name}" if chain else name,
                    "uri": f"{site}/chains/node/{quote(node, safe='')}"})
    if terms.kind == "challenge":
        out.append({"scheme": INDUSTRY_SCHEME, "id": CHALLENGE_INDUSTRY[0], "description": CHALLENGE_INDUSTRY[1]})
    return out


def _item(terms: Terms, nodes, site: str) -> dict:
    classes = _classifications(terms, nodes, site)
    return _drop_empty({
        "id": "1", "description": terms.title,
        "classification": classes[0] if classes else None, "additionalClassifications": classes[1:],
        "quantity": _number(terms.quantity), "unit": {"name": terms.unit} if terms.unit else None,
    })


def _payment_sentence(days: int) -> str:
    start = "验收合格之日起（无验收环节的，自交付之日起）"
    return f"付款期限：{start}当日付款。" if days == 0 else f"付款期限：{start}{days}日内付款。"


def _milestones(terms: Terms) -> list[dict]:
    out = []
    if terms.acceptance_criteria or terms.acceptance_days is not None:
        words = []
        if terms.acceptance_criteria:
            words.append(f"验收标准：{terms.acceptance_criteria}")
        if terms.acceptance_days is not None:
            words.append(f"交付后{terms.acceptance_days}日内完成验收。")
        out.append({"id": "acceptance", "title": "验收", "type": "delivery", "description": "\n".join(words)})
    if terms.payment_days is not None:
        out.append({"id": "payment", "title": "付款", "type": "financing", "code": "paymentTerm",
                    "description": _payment_sentence(terms.payment_days)})
    return out


def _eligibility(terms: Terms) -> str | None:
    if not terms.required_qualifications:
        return None
    return "申请企业须具备以下资质：" + "、".join(terms.required_qualifications) + "。"


def _show(value) -> str:
    if value is None or value == "":
        return "无"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "无"
    if isinstance(value, Decimal):
        return str(_number(value))
    return str(value)


def _amendment_text(changed: Sequence[tuple]) -> str:
    if not changed:
        return "需求内容有修改。"
    parts = []
    for name, old, new in changed:
        field = SCHEMAS["demand"].get(name)
        label = field.headers[0] if field else _FIELD_NAMES.get(name, name)
        parts.append(f"{label}（{_show(old)} → {_show(new)}）" if name in _SHORT_FIELDS else label)
    return "修改了" + "；".join(parts) + "。"


def _amendment(number: int, facts: AmendmentFacts) -> dict:
    return {"id": str(number), "date": rfc3339(facts.date), "description": _amendment_text(facts.changed),
            "amendsReleaseID": facts.amends_release_id, "releaseID": facts.release_id}


def _description(terms: Terms) -> str | None:
    text = (terms.description or "").strip()
    if terms.ip_terms:
        text = (text + "\n" if text else "") + f"知识产权归属：{terms.ip_terms}"
    return text or None


def _tender(facts: ReleaseFacts, nodes, site: str) -> dict:
    terms = facts.terms
    method = ("揭榜挂帅：公开张榜，择优揭榜" if terms.kind == "challenge"
              else "公开采购需求：符合条件的企业均可报价")
    return _drop_empty({
        "id": str(facts.demand_id),
        "title": terms.title,
        "description": _description(terms),
        "status": tender_status(facts.status),
        "procuringEntity": _reference(facts.buyer),
        "items": [_item(terms, nodes, site)],
        "value": {"amount": _number(terms.budget), "currency": CURRENCY} if terms.budget is not None else None,
        "procurementMethod": "open",
        "procurementMethodDetails": method,
        "mainProcurementCategory": procurement_category(terms.kind, terms.title),
        "tenderPeriod": _drop_empty({"startDate": rfc3339(facts.tender_start),
                                     "endDate": deadline_end(terms.deadline) if terms.deadline else None}),
        "eligibilityCriteria": _eligibility(terms),
        "milestones": _milestones(terms),
        "documents": [{"id": "notice", "documentType": "tenderNotice", "title": terms.title,
                       "url": f"{site}/demands/{facts.demand_id}", "format": "text/html", "language": LANGUAGE}],
        "amendments": [_amendment(n, a) for n, a in enumerate(facts.amendments, start=1)],
    })


def _award(award: AwardFacts, cancelled: bool) -> dict:
    return _drop_empty({
        "id": str(award.key), "status": "cancelled" if cancelled else "active", "date": rfc3339(award.date),
        "suppliers": [_reference(award.supplier)],
    })


def release(facts: ReleaseFacts, *, nodes: Mapping[str, tuple[str, str]], site: str) -> dict:
    """The OCDS release of ``facts``.

    ``nodes`` maps chain node ids to ``(node name, chain name)``; ``site`` is the
    site's address without a trailing slash, for the links to its pages.
    """
    parties = [_party(facts.buyer, ("buyer", "procuringEntity"))]
    seen = {parties[0]["id"]}
    for award in facts.awards:
        party = _party(award.supplier, ("supplier",))
        if party["id"] not in seen:
            seen.add(party["id"])
            parties.append(party)
    cancelled = facts.status == "cancelled"
    return _drop_empty({
        "ocid": facts.ocid,
        "id": facts.release_id,
        "date": rfc3339(facts.date),
        "tag": list(facts.tags),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties,
        "buyer": _reference(facts.buyer),
        "tender": _tender(facts, nodes, site),
        "awards": [_award(a, cancelled) for a in facts.awards],
    })


def release_package(releases: list[dict], *, uri: str, published: dt.datetime, publisher: str, site: str,
                    license_url: str | None, policy_url: str | None, links: Mapping[str, str] | None = None) -> dict:
    """A release package holding ``releases`` (``links``: ``next``/``prev`` page addresses)."""
    package = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": rfc3339(published),
        "publisher": {"name": publisher, "uri": site},
        "license": license_url,
        "publicationPolicy": policy_url,
        "releases": releases,
    }
    if links:
        package["links"] = dict(links)
    return _drop_empty(package) | {"releases": releases}
