"""Reasons in both languages: the readers' English reasons put into Chinese as well,
and the site's messages (written with :func:`~matchmaker.i18n.tr`) rendered in each language."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable

from flask import Flask
from flask_babel import Babel

from ...io.schema import chinese_header

__all__ = ["both", "in_both", "reader_problem"]

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")

# (pattern on the English reason, Chinese wording; groups fill {1}, {2} ...; {field} is the
# Chinese header of the field a choice belongs to)
_PATTERNS = [
    (r"^required field is missing or empty", "必填项缺失或为空"),
    (r"^duplicate id (.+), already used on (?:row|line) (\d+)", "编号 {1} 重复：第 {2} 行已使用"),
    (r"^(.+) is not an amount", "{1} 不是金额（可写 1200000、1,200,000、500万 或 1.2亿）"),
    (r"^expected an amount", "应为金额（如 1200000、500万 或 1.2亿）"),
    (r"^amount cannot be negative", "金额不能为负数"),
    (r"ISO date", "日期应写作 YYYY-MM-DD（如 2026-03-31）"),
    (r"^number of days cannot be negative", "天数不能为负数"),
    (r"whole number of days", "应为整数天数（如 60 或 60天）"),
    (r"^(?:expected a whole number|.+ is not a whole number)", "应为非负整数"),
    (r"^(.+) is not a number", "{1} 不是数字"),
    (r"^expected a number", "应为数字"),
    (r"^cannot be negative", "不能为负数"),
    (r"^(.+) is not yes or no", "{1} 应为 是 或 否（也可写 true/false）"),
    (r"^unknown (kind|size|role|status) (.+?); use one of: (.*)$", "无法识别的{field}：{2}；可用：{3}"),
    (r"^unknown region (.+?);", "无法识别的地区 {1}（应为省级行政区，如 江苏省 或 Jiangsu）"),
    (r"^(?:expected text|list items must be text)", "应为文本"),
    (r"^expected a list", "应为列表（各项以 ；或 、 分隔）"),
    (r"^malformed JSON", "JSON 格式错误"),
    (r"not valid UTF-8", "该行不是 UTF-8 文本"),
    (r"not UTF-8; it was read as GB18030", "文件不是 UTF-8 编码，已按 GB18030（GBK）读取"),
    (r"(?i)nested", "JSON 嵌套过深"),
    (r"^the workbook expands to more than (\S+) MB",
     "工作簿解压后超过 {1} MB，可能不是正常的表格文件；请用表格软件重新保存或拆分后再导入"),
    (r"^a cell holds (\S+) characters", "单元格有 {1} 个字符，超过表格单元格上限 32,767；该行未导入"),
]
_COMPILED = [(re.compile(p), zh) for p, zh in _PATTERNS]
_LOCALES = ("zh_CN", "en")


def both(zh: str, en: str, **values) -> tuple[str, str]:
    """A reason in Chinese and English, placeholders filled."""
    return (zh.format(**values), en.format(**values)) if values else (zh, en)


@functools.cache
def _language(locale: str) -> Flask:
    """A bare application whose requests are in ``locale``: inside one of its request
    contexts, :func:`~matchmaker.i18n.tr` (and so every message of the site) speaks ``locale``."""
    app = Flask(f"{__name__}.{locale}")
    Babel(app, locale_selector=lambda: locale)
    return app


def in_both(render: Callable[[], str]) -> tuple[str, str]:
    """``(zh, en)``: what ``render`` returns in Chinese and in English.

    ``render`` builds a message with the site's own words (``tr``, ``bilingual``),
    so that a reason in the import report is the one the site would show.
    """
    texts = []
    for locale in _LOCALES:
        with _language(locale).test_request_context():
            texts.append(render())
    return texts[0], texts[1]


def _chinese(reason: str) -> str:
    for pattern, zh in _COMPILED:
        match = pattern.search(reason)
        if match:
            groups = match.groups()
            text = zh.replace("{field}", chinese_header(groups[0])) if "{field}" in zh else zh
            for i, group in enumerate(groups, start=1):
                text = text.replace(f"{{{i}}}", group or "")
            return text
    return f"无法读取：{reason}"


def reader_problem(error) -> tuple[str | None, object, str, str]:
    """``(column, value, reason_zh, reason_en)`` of a reader's RecordError."""
    value = getattr(error, "value", None)
    if value is None:
        found = _QUOTED.search(error.reason)
        if found:
            value = found.group(1) if found.group(1) is not None else found.group(2)
    return error.field, value, _chinese(error.reason), error.reason
