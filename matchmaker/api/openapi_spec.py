"""The OpenAPI 3.1 document of API v1.

Schemas are strict (every field listed and required, nothing else allowed) so that
the test suite, which checks real responses against them, notices any drift between
this document and what the endpoints return. Bounds and choices come from the same
constants the endpoints enforce.
"""
from __future__ import annotations

import copy

from ..domain.payment import PAYMENT_METHODS
from ..io.ocds import OCDS_VERSION, RELEASE_TAGS
from ..models.enterprise import ORG_TYPES, SIZES
from ..models.event import EVENT_STATUSES, PARTICIPANT_ROLES, PARTICIPANT_STATUSES
from ..models.posting import DEMAND_KINDS, DEMAND_STATUSES
from ..models.user import ROLES
from ..services.search import KINDS as SEARCH_KINDS
from ..services.search import MAX_COUNT as MAX_SEARCH_COUNT
from .ocds import SINCE_PATTERN
from .params import BOOL_PATTERN, FALSE_WORDS, MAX_ID, MAX_PAGE, MAX_PER_PAGE, MAX_TEXT, TRUE_WORDS

__all__ = ["OPENAPI_VERSION", "build_spec"]

OPENAPI_VERSION = "3.1.0"

STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
HHMM = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
STRINGS = {"type": "array", "items": STR}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = dict(schema, type=[schema["type"], "null"])
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def enum(values, base=STR) -> dict:
    return dict(base, enum=list(values))


def obj(properties: dict, description: str | None = None) -> dict:
    """A closed object whose properties are all present in every payload."""
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _paged(item: str, description: str) -> dict:
    return obj({"items": array(ref(item)), "page": INT, "per_page": INT, "total": INT, "pages": INT}, description)


# -- schemas -----------------------------------------------------------------

_ENTERPRISE_SUMMARY = {"id": INT, "name": STR, "region": nullable(STR), "city": nullable(STR),
                       "industry": nullable(STR), "size": nullable(enum(SIZES)), "org_type": enum(ORG_TYPES),
                       "chain_leader_of": STRINGS, "verified": BOOL}
_DEMAND_SUMMARY = {"id": INT, "kind": enum(DEMAND_KINDS), "title": STR, "enterprise": ref("EnterpriseRef"),
                   "chain_nodes": STRINGS, "region": nullable(STR), "budget": nullable(NUM),
                   "deadline": nullable(DATE), "status": enum(DEMAND_STATUSES), "published_at": nullable(DATETIME)}
_EVENT_SUMMARY = {"id": INT, "name": STR, "status": enum(EVENT_STATUSES), "date": DATE, "start": HHMM, "end": HHMM,
                  "region": nullable(STR), "city": nullable(STR), "district": nullable(STR), "venue": nullable(STR),
                  "registration_opens": nullable(DATE),
                  "registration_closes": nullable(DATE), "registration_open": BOOL}

SCHEMAS = {
    "Error": obj({"error": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {"code": INT, "message": STR,
                       "field": dict(STR, description="The query parameter at fault (400 only).")},
    }}, "Every failure: the HTTP status and a message."),
    "Health": obj({"status": enum(["ok", "unavailable"]), "database": enum(["ok", "failing"])},
                  "Whether the service can answer: `unavailable` (503) while the database cannot be reached."),
    "Overview": obj({
        "counts": obj({"demands": INT, "capabilities": INT, "large": INT, "smes": INT},
                      "Published demands, active capabilities, large enterprises, SMEs."),
        "latest_demands": array(obj({"id": INT, "title": STR, "kind": enum(DEMAND_KINDS),
                                     "enterprise": dict(STR, description="The enterprise's name."),
                                     "region": nullable(STR), "deadline": nullable(DATE)})),
    }),
    "EnterpriseRef": obj({"id": INT, "name": STR, "region": nullable(STR), "size": nullable(enum(SIZES)),
                          "org_type": enum(ORG_TYPES), "chain_leader_of": STRINGS}),
    "EnterpriseSummary": obj(_ENTERPRISE_SUMMARY),
    "Qualification": obj({"name": STR, "canonical": STR, "verified": BOOL, "valid_until": nullable(DATE)}),
    "EnterpriseProfile": obj({
        **_ENTERPRISE_SUMMARY, "uscc": dict(nullable(STR), description="Unified social credit code (统一社会信用代码); null when not given."),
        "description": nullable(STR), "size_rule": nullable(STR),
        "qualifications": array(ref("Qualification")),
        "capabilities": array(obj({"id": INT, "title": STR})),
        "open_demands": array(obj({"id": INT, "title": STR, "kind": enum(DEMAND_KINDS),
                                   "deadline": nullable(DATE)})),
        "capability_count": INT, "open_demand_count": INT,
    }, "A public enterprise profile; contacts and members are never shown."),
    "Me": obj({"id": INT, "email": {"type": "string", "format": "email"}, "name": STR, "role": enum(ROLES),
               "organisation": nullable(STR), "enterprise": nullable(ref("EnterpriseSummary")),
               "pending_enterprise_id": nullable(INT),
               "scope": nullable(obj({"level": enum(["national", "province", "city", "district"]),
                                      "province": nullable(STR), "city": nullable(STR), "district": nullable(STR),
                                      "label": STR},
                                     "An organiser's region: it lists, exports and manages only the enterprises "
                                     "and fairs located in it. Null for other roles."))}),
    "DemandSummary": obj(_DEMAND_SUMMARY),
    "Demand": obj({
        **_DEMAND_SUMMARY, "description": STR, "quantity": nullable(NUM), "unit": nullable(STR),
        "required_qualifications": STRINGS,
        "payment_days": dict(nullable(INT), description="Days to pay: from delivery, or from acceptance when "
                                                         "`acceptance_days` is given (《保障中小企业款项支付条例》第九条、第十条)."),
        "acceptance_days": dict(nullable(INT), description="Acceptance period (验收期限): days from delivery."),
        "payment_method": dict(nullable(enum(PAYMENT_METHODS)),
                               description="cash (现金或银行转账), bill (商业汇票) or voucher (应收账款电子凭证)."),
        "instrument_days": dict(nullable(INT), description="A bill's or voucher's tenor: days from issue to "
                                                            "maturity, counted in the term (第十一条)."),
        "third_party_condition": dict(BOOL, description="Payment depends on, or is proportional to, a third "
                                                        "party's payment (only buyers outside the regulation)."),
        "payment_terms": dict(nullable(STR), description="The payment terms in the buyer's words."),
        "acceptance_criteria": nullable(STR),
        "ip_terms": nullable(STR), "status_reason": nullable(STR),
    }),
    "DemandPage": _paged("DemandSummary", "Published demands, newest first."),
    "Capability": obj({"id": INT, "title": STR, "description": STR, "enterprise": ref("EnterpriseRef"),
                       "chain_nodes": STRINGS, "region": nullable(STR), "qualifications": STRINGS,
                       "capacity": nullable(STR)}),
    "CapabilityPage": _paged("Capability", "Active capabilities, most recently changed first."),
    "Suggestion": obj({"capability_id": dict(STR, description="The capability's id, as text (ranking format)."),
                       "score": {"type": "number", "minimum": 0, "maximum": 1,
                                 "description": "Calibrated match score, the one shown as "
                                                "匹配度 (×100) on the site: the estimated "
                                                "chance that the supplier offers the right or "
                                                "an adjacent product."},
                       "reasons": dict(STRINGS, description="Machine-readable reasons, e.g. `chain: a → b`."),
                       "title": STR, "enterprise": ref("EnterpriseRef")}),
    "Suggestions": obj({"demand_id": STR, "ranked": array(ref("Suggestion")), "page": INT, "per_page": INT,
                        "total": INT, "pages": INT}, "Suppliers ranked for the demand, best first."),
    "SearchResults": obj({
        "query": STR, "page": INT, "per_page": INT, "total": INT,
        "total_capped": dict(BOOL, description=f"More than `total` ({MAX_SEARCH_COUNT}) postings hold the terms: "
                                               "they are not all counted; `pages` offers one page more."),
        "pages": INT,
        "results": array(obj({"type": enum(SEARCH_KINDS), "id": INT, "title": STR,
                              "enterprise": obj({"id": INT, "name": STR}), "region": nullable(STR)})),
        "enterprises": array(obj({**_ENTERPRISE_SUMMARY, "score": {"type": "number", "minimum": 0,
                                                                   "maximum": 100}})),
    }, "Postings holding every term (paginated) and enterprises whose name resembles the query."),
    "EventSummary": obj(_EVENT_SUMMARY),
    "Event": obj({
        **_EVENT_SUMMARY, "description": nullable(STR), "organisation": nullable(STR),
        "theme_chains": STRINGS, "theme_nodes": STRINGS, "meeting_minutes": INT, "slots": array(HHMM),
        "tables": INT, "max_meetings": nullable(INT), "max_open_requests": nullable(INT),
        "request_expiry_hours": INT,
        "counts": obj({"buyers": INT, "suppliers": INT, "pending": INT, "meetings": INT}),
    }),
    "EventPage": _paged("EventSummary", "Fairs the caller may see, latest date first."),
    "Agenda": obj({
        "event": ref("EventSummary"),
        "participant": obj({"id": INT, "enterprise": STR, "role": enum(PARTICIPANT_ROLES),
                            "status": enum(PARTICIPANT_STATUSES), "table": nullable(INT)}),
        "published": dict(BOOL, description="False until the organisers publish the agenda; meetings is empty."),
        "meetings": array(obj({
            "uid": STR, "sequence": INT, "start": HHMM, "end": HHMM, "table": INT, "priority": INT,
            "with": obj({"participant_id": INT, "enterprise": STR, "role": enum(PARTICIPANT_ROLES)}),
        })),
    }),
    "OcdsReleasePackage": {
        "type": "object", "required": ["uri", "version", "publishedDate", "publisher", "releases"],
        "additionalProperties": False,
        "description": "An Open Contracting Data Standard 1.1 release package (the standard's "
                       "release-package-schema.json, version 1.1.5), with the Pagination extension's `links`.",
        "properties": {
            "uri": dict(STR, description="This page's address."),
            "version": enum([OCDS_VERSION]),
            "extensions": dict(STRINGS, description="The OCDS extensions whose fields appear: Pagination, "
                                                    "Party Scale, Organization Classification."),
            "publishedDate": dict(DATETIME, description="The date of the newest release on the page."),
            "publisher": obj({"name": STR, "uri": STR}),
            "license": dict(STR, description="The licence of the data (`MATCHMAKER_OCDS_LICENSE`)."),
            "publicationPolicy": dict(STR, description="This operation's entry on the API reference page."),
            "links": {"type": "object", "additionalProperties": False,
                      "properties": {"next": dict(STR, description="The next page, when there is one."),
                                     "prev": dict(STR, description="The previous page, from page 2 on.")}},
            "releases": array(ref("OcdsRelease")),
        },
    },
    "OcdsRelease": {
        "type": "object", "required": ["ocid", "id", "date", "tag", "initiationType", "parties", "buyer", "tender"],
        "additionalProperties": False,
        "description": "One OCDS 1.1 release (the standard's release-schema.json, version 1.1.5, "
                       "which defines the nested objects).",
        "properties": {
            "ocid": dict(STR, description="`MATCHMAKER_OCID_PREFIX`, `-`, the demand's id."),
            "id": dict(STR, description="The ocid, `-`, the release's place in the demand's history; never changes."),
            "date": DATETIME,
            "tag": array(enum(RELEASE_TAGS)),
            "initiationType": enum(["tender"]),
            "language": enum(["zh"]),
            "parties": array({"type": "object"}),
            "buyer": {"type": "object"},
            "tender": {"type": "object"},
            "awards": array({"type": "object"}),
        },
    },
}


# -- parameters and responses -------------------------------------------------

def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _path_id(name: str, what: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": f"The {what}'s id.",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "example": 1}


#: Free text: anything but NUL, which every endpoint refuses with 400.
TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}


def _parameters(per_page: int) -> dict:
    words = ", ".join(TRUE_WORDS + FALSE_WORDS)
    return {
        "page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                       "Page number, from 1."),
        "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                        "default": per_page}, "Items per page."),
        "q": _query("q", TEXT, f"Words in the title, description or enterprise name (cut to {MAX_TEXT} characters)."),
        "chain": _query("chain", TEXT, "A chain id (e.g. `pv`) or one chain node id (e.g. `pv.cell`); "
                                      "an unknown id matches nothing."),
        "region": _query("region", TEXT, "A province, full or short name (江苏省 or 江苏); "
                                        "an unknown name matches nothing."),
        "size": _query("size", enum(SIZES), "Enterprise size class."),
        "upcoming": _query("upcoming", STR | {"pattern": BOOL_PATTERN},
                           f"Only fairs from today on ({words}, any case)."),
    }


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


RESPONSES = {
    "BadRequest": _json("Error", "A query parameter is missing or invalid; `error.field` names it."),
    "Unauthorized": _json("Error", "No valid API token (missing, malformed, unknown or revoked).") | {
        "headers": {"WWW-Authenticate": {"description": "`Bearer realm=\"matchmaker\"`", "schema": STR}}},
    "NotFound": _json("Error", "No such object, or one the caller may not see."),
}
_BAD = {"$ref": "#/components/responses/BadRequest"}
_UNAUTH = {"$ref": "#/components/responses/Unauthorized"}
_MISSING = {"$ref": "#/components/responses/NotFound"}
_PUBLIC = []  # no credentials needed
_OPTIONAL = [{}, {"bearerAuth": []}]
_REQUIRED = [{"bearerAuth": []}]


def _op(op_id: str, tag: str, zh: str, en: str, ok: str, ok_text: str, security, params=(), missing=False,
        description: str | None = None, limited: bool = False) -> dict:
    """A GET operation answering ``ok``; 400/401/404 (and 429 when ``limited``) are added where they can happen."""
    responses = {"200": _json(ok, ok_text)}
    if any(p.get("in") == "query" or "$ref" in p for p in params):
        responses["400"] = _BAD
    if security:
        responses["401"] = _UNAUTH
    if missing:
        responses["404"] = _MISSING
    if limited:
        responses["429"] = _json("Error", "Too many requests from this address; try again later.")
    responses.setdefault("503", _json("Error", "The database cannot be reached; try again shortly."))
    op = {"operationId": op_id, "tags": [tag], "summary": en, "x-summary-zh": zh, "parameters": list(params),
          "responses": responses, "security": security}
    if description:
        op["description"] = description
    return {"get": op}


def _p(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


PAGING = (_p("page"), _p("per_page"))


def _paths() -> dict:
    demand_id, capability_id = _path_id("demand_id", "demand"), _path_id("capability_id", "capability")
    event_id, enterprise_id = _path_id("event_id", "fair"), _path_id("enterprise_id", "enterprise")
    openapi = {"operationId": "openapi", "tags": ["core"], "summary": "This OpenAPI document",
               "x-summary-zh": "本 OpenAPI 文档", "security": _PUBLIC,
               "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                                     "content": {"application/json": {"schema": {"type": "object"}}}}}}
    search_terms = _query("q", TEXT, f"Search terms, simplified or traditional Chinese (cut to {MAX_TEXT} "
                                    "characters); blank is refused.", required=True)
    participant = _query("participant", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                         "Organisers: the participant whose agenda to show (default: one's own).")
    health = _op("health", "core", "服务状态", "Service health", "Health", "The service is up.", _PUBLIC)
    health["get"]["responses"]["503"] = _json("Health", "The database cannot be reached.")
    return {
        "/health": health,
        "/overview": _op("overview", "core", "平台统计与最新发布的需求", "Platform counts and the latest demands",
                         "Overview", "Counts and up to 20 latest published demands.", _PUBLIC),
        "/openapi.json": {"get": openapi},
        "/me": _op("me", "accounts", "令牌所属的用户与企业", "The token's user and enterprise",
                   "Me", "The caller.", _REQUIRED),
        "/enterprises/{enterprise_id}": _op(
            "getEnterprise", "accounts", "企业公开信息", "A public enterprise profile",
            "EnterpriseProfile", "The profile.", _OPTIONAL, [enterprise_id], missing=True),
        "/search": _op(
            "search", "accounts", "搜索需求、能力与企业名称", "Search postings and enterprise names",
            "SearchResults", "What was found.", _OPTIONAL,
            [search_terms, _query("kind", enum(SEARCH_KINDS), "Only demands or only capabilities."), *PAGING],
            description="Traditional characters match simplified ones; enterprise names match fuzzily "
                        "(`score` 0-100) and are not paginated beyond `per_page`."),
        "/demands": _op(
            "listDemands", "postings", "已发布的需求", "Published demands",
            "DemandPage", "One page of demands.", _OPTIONAL,
            [_query("kind", enum(DEMAND_KINDS), "Procurement or challenge (揭榜挂帅)."), _p("chain"), _p("region"),
             _query("deadline_before", DATE, "Only demands due on or before this date."), _p("q"), *PAGING]),
        "/demands/{demand_id}": _op(
            "getDemand", "postings", "需求详情", "One demand",
            "Demand", "The demand.", _OPTIONAL, [demand_id], missing=True,
            description="A draft is visible only with a token of its own enterprise; otherwise 404."),
        "/demands/{demand_id}/suggestions": _op(
            "demandSuggestions", "postings", "为本企业需求推荐的供应商", "Suppliers suggested for one's own demand",
            "Suggestions", "Ranked suppliers.", _REQUIRED,
            [demand_id, _p("region"), _query("qualification", TEXT, "Only suppliers holding this qualification."),
             _p("size"), *PAGING], missing=True,
            description="Only for a demand of the token's enterprise; any other id answers 404."),
        "/capabilities": _op(
            "listCapabilities", "postings", "在架的能力", "Active capabilities",
            "CapabilityPage", "One page of capabilities.", _OPTIONAL,
            [_p("chain"), _p("region"), _p("q"), _p("size"), *PAGING]),
        "/capabilities/{capability_id}": _op(
            "getCapability", "postings", "能力详情", "One capability",
            "Capability", "The capability.", _OPTIONAL, [capability_id], missing=True,
            description="An inactive capability is visible only to its own enterprise; otherwise 404."),
        "/ocds/releases": _op(
            "listOcdsReleases", "ocds", "开放合同数据（OCDS 1.1）：已发布需求的发布记录",
            "Published demands as Open Contracting Data Standard 1.1 releases",
            "OcdsReleasePackage", "One page of releases as an OCDS 1.1 release package.", _PUBLIC,
            [_query("since", {"type": "string", "pattern": SINCE_PATTERN},
                    "Only releases dated at or after this date (YYYY-MM-DD, from the start of that day in "
                    "China) or date and time with its offset (e.g. `2026-01-31T08:00:00+08:00`)."), *PAGING],
            description="Publication policy. Every procurement demand and 揭榜挂帅 challenge is published as "
                        "an OCDS contracting process from the moment it is published on the platform: its "
                        "`ocid` is the configured prefix, `-` and the demand's id. Each later change adds a "
                        "release with its own id that never changes: closing, reopening or marking it "
                        "awarded (`tenderUpdate`), a change to its content (`tenderAmendment`, listed in "
                        "`tender.amendments`), an accepted application (`award`, naming the supplier; "
                        "the price it quoted is never published) and cancellation (`tenderCancellation`). A release "
                        "shows the demand as it stood then; enterprise and chain node names are the "
                        "present ones. Drafts, demands withdrawn before publication, applications that "
                        "were not accepted, proposals, messages and contact details are never published. "
                        "Releases run oldest first, so a page keeps its releases as new ones arrive; "
                        "`links.next` and `links.prev` lead to the neighbouring pages. Items are classified "
                        "by chain node (scheme `MATCHMAKER-CHAIN`); buyers and suppliers are identified by "
                        "their unified social credit code (scheme `CN-SAIC`). Each address may ask for 60 pages "
                        "a minute (`OCDS_RATE_LIMIT`); beyond that the answer is 429.", limited=True),
        "/events": _op(
            "listEvents", "events", "对接会列表", "Matchmaking fairs",
            "EventPage", "One page of fairs.", _OPTIONAL, [_p("upcoming"), *PAGING],
            description="Drafts are listed only for their organisers (an organiser limited to a region: "
                        "only drafts of fairs held in it)."),
        "/events/{event_id}": _op(
            "getEvent", "events", "对接会详情", "One fair",
            "Event", "The fair and its head counts.", _OPTIONAL, [event_id], missing=True),
        "/events/{event_id}/agenda": _op(
            "eventAgenda", "events", "参会企业的洽谈日程", "A participant's meeting agenda",
            "Agenda", "The agenda.", _REQUIRED, [event_id, participant], missing=True,
            description="The agenda of the token's enterprise at this fair; 404 when it does not take part, "
                        "or for another enterprise's participant id."),
    }


def build_spec(per_page: int = 20, version: str = "1") -> dict:
    """The OpenAPI document; ``per_page`` is the default page size the app serves."""
    return copy.deepcopy({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Matchmaker API",
            "version": version,
            "summary": "Supply-chain matchmaking (大中小企业融通对接平台): demands, capabilities, fairs.",
            "description": "Read-only JSON API. Send a personal API token (created on the account page) as "
                           "`Authorization: Bearer <token>` where an operation asks for one; operations that "
                           "accept it anonymously show the caller's own drafts when it is sent. Lists take "
                           "`page` and `per_page`. Every error is `{\"error\": {\"code\", \"message\"}}`.",
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": "core"}, {"name": "accounts"}, {"name": "postings"}, {"name": "events"},
                 {"name": "ocds"}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "parameters": _parameters(min(per_page, MAX_PER_PAGE)),
            "responses": RESPONSES,
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token (`mm_…`) from the account page."}},
        },
    })
