"""Checking and normalising the values of one row; a bad value raises :class:`RowError`.

Posting fields are cleaned by the site's own rules
(:mod:`matchmaker.services.postings.fields`), called through :func:`site_rule`,
which turns the site's refusal into a :class:`RowError` with the site's message
in both languages.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import networkx as nx

from ...domain.size import normalize_industry
from ...io.schema import chinese_header
from ..errors import ServiceError
from ..postings.fields import (
    clean_amount,
    clean_chain_nodes,
    clean_qualifications,
    clean_region,
)
from .reasons import in_both

__all__ = ["RowError", "amount", "chain_nodes", "date", "industry", "qualification_names", "region", "site_rule",
           "text", "wan"]

_WAN = Decimal(10_000)
_CENT = Decimal("0.01")


class RowError(Exception):
    """A value that keeps its row out: the field (English name), the value and why."""

    def __init__(self, column: str | None, value, zh: str, en: str):
        super().__init__(en)
        self.column, self.value, self.zh, self.en = column, value, zh, en


def site_rule(call: Callable, column: str | None, value):
    """``call()``, a check of the site; its refusal (:class:`ServiceError`) becomes a
    :class:`RowError` on ``column`` with the site's message in Chinese and English.

    ``call`` must refuse before it changes anything (the site's checks do): it is
    called again to render the message in each language.
    """
    try:
        return call()
    except ServiceError:
        zh, en = in_both(lambda: _refusal(call))
        raise RowError(column, value, zh, en) from None


def _refusal(call: Callable) -> str:
    try:
        call()
    except ServiceError as exc:
        return exc.message
    return ""


def text(record: dict, name: str, limit: int | None = None, *, collapse: bool = False) -> str | None:
    """A text field, stripped (inner runs of spaces made one with ``collapse``); None when blank.

    Text is kept as written: a name that starts with ``=`` is a name, never a formula.
    """
    value = record.get(name)
    if value is None:
        return None
    value = " ".join(str(value).split()) if collapse else str(value).strip()
    if not value:
        return None
    if limit is not None and len(value) > limit:
        raise RowError(name, value, f"{chinese_header(name)}过长：最多 {limit} 个字符，实际 {len(value)} 个",
                       f"{name} is too long: at most {limit} characters, got {len(value)}")
    return value


def region(record: dict, name: str = "region") -> str | None:
    """The province's full name (江苏 -> 江苏省); an unknown one is refused."""
    value = record.get(name)
    if value is None:
        return None
    return site_rule(lambda: clean_region(str(value)), name, value)


def industry(record: dict) -> str | None:
    value = record.get("industry")
    if value is None:
        return None
    found = normalize_industry(str(value))
    if found is None:
        raise RowError("industry", value,
                       f"无法识别的行业“{value}”（应为《中小企业划型标准规定》中的行业，如 工业、软件和信息技术服务业）",
                       f"unknown industry {value!r} (use an industry of the SME size standard, "
                       f"e.g. 工业 or 软件和信息技术服务业)")
    return found


def amount(record: dict, name: str) -> Decimal | None:
    """An amount (CNY) or quantity as the site stores it: a Decimal of two decimals (rounded
    half up, as the database rounds, so that a re-import compares equal)."""
    value = record.get(name)
    if value is None:
        return None
    number = site_rule(lambda: clean_amount(value, name), name, value)
    return None if number is None else number.quantize(_CENT, ROUND_HALF_UP)


def wan(record: dict, name: str, digits: int = 14) -> Decimal | None:
    """An amount in CNY, as 万元 (the unit enterprises' figures are stored in)."""
    value = record.get(name)
    if value is None:
        return None
    try:
        number = (Decimal(str(value)) / _WAN).quantize(_CENT, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise RowError(name, value, f"{chinese_header(name)}不是数字", f"{name} is not a number") from None
    if number < 0:
        raise RowError(name, value, "金额不能为负数", "amount cannot be negative")
    if number >= Decimal(10) ** (digits - 2):
        raise RowError(name, value, f"{chinese_header(name)}过大，请检查单位（元、万、亿）",
                       f"{name} is implausibly large; check the unit (元, 万, 亿)")
    return number


def date(record: dict, name: str) -> dt.date | None:
    value = record.get(name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RowError(name, value, "日期应写作 YYYY-MM-DD", "dates are written YYYY-MM-DD") from None


def qualification_names(record: dict, name: str) -> list[str]:
    """Qualification names as the site keeps them: one per certificate, at most 80 characters."""
    return clean_qualifications(record.get(name))


def chain_nodes(record: dict, G: nx.DiGraph) -> list[str] | None:
    """Chain node ids of the graph, in the order given; None when the row names none."""
    nodes = record.get("chain_nodes")
    if not nodes:
        return None
    return site_rule(lambda: clean_chain_nodes(G, nodes), "chain_nodes", nodes) or None
