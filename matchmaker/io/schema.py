"""Fields of the record formats (see formats.md): enterprises, demands, capabilities, and fair participants.

Maps headers (English field names, case-insensitive, or the Chinese headers of
the format) to fields, and tells each field's parser and whether it is required.
"""

import re
import unicodedata
from dataclasses import dataclass

from matchmaker.domain._hanzi import to_simplified

from . import values

__all__ = ["KINDS", "RECORD_KINDS", "SCHEMAS", "Field", "chinese_header", "match_header"]


@dataclass(frozen=True)
class Field:
    name: str
    headers: tuple
    parse: object
    required: bool = False
    default: object = None
    is_list: bool = False
    is_money: bool = False


def _fields(*fields):
    return {f.name: f for f in fields}


_text = values.parse_text

SCHEMAS = {
    "demand": _fields(
        Field("id", ("编号", "需求编号"), _text, required=True),
        Field("enterprise", ("企业", "企业名称", "需求企业"), _text, required=True),
        # No default: a blank kind keeps a stored demand's kind (new demands are procurement).
        Field("kind", ("类型", "需求类型"), values.parse_kind),
        Field("title", ("标题", "需求名称"), _text, required=True),
        Field("description", ("描述", "需求描述", "技术要求"), _text),
        Field("chain_nodes", ("产业链环节",), values.parse_list, is_list=True),
        Field("region", ("地区", "省份"), _text),
        Field("required_qualifications", ("资质要求",), values.parse_list, is_list=True),
        Field("budget", ("预算", "金额"), values.parse_money, is_money=True),
        Field("deadline", ("截止日期",), values.parse_date),
        Field("payment_days", ("付款期限", "账期"), values.parse_days),
        Field("acceptance_days", ("验收期限",), values.parse_days),
        Field("status", ("状态", "需求状态"), values.parse_demand_status),
        Field("quantity", ("数量", "采购数量"), values.parse_quantity),
        Field("unit", ("单位", "计量单位"), _text),
        Field("acceptance_criteria", ("验收标准",), _text),
        Field("ip_terms", ("知识产权约定", "知识产权归属", "知识产权"), _text),
    ),
    "capability": _fields(
        Field("id", ("编号",), _text, required=True),
        Field("enterprise", ("企业", "企业名称"), _text, required=True),
        Field("title", ("标题", "产品名称", "能力名称"), _text, required=True),
        Field("description", ("描述", "产品描述", "能力描述"), _text),
        Field("chain_nodes", ("产业链环节",), values.parse_list, is_list=True),
        Field("region", ("地区", "省份"), _text),
        Field("qualifications", ("资质", "资质认证"), values.parse_list, is_list=True),
        Field("size", ("企业规模",), values.parse_size),
        Field("active", ("是否上架", "上架", "有效"), values.parse_flag),
        Field("capacity", ("产能", "产能 / 服务能力", "服务能力"), _text),
    ),
    "enterprise": _fields(
        Field("name", ("企业名称", "名称", "单位名称"), _text, required=True),
        Field("credit_code", ("统一社会信用代码", "信用代码"), _text),
        Field("region", ("地区", "省份"), _text),
        Field("city", ("城市", "地市"), _text),
        Field("district", ("区县",), _text),
        Field("industry", ("行业",), _text),
        Field("employees", ("从业人员", "员工人数"), values.parse_count),
        Field("revenue", ("营业收入",), values.parse_money, is_money=True),
        Field("assets", ("资产总额",), values.parse_money, is_money=True),
        Field("qualifications", ("资质", "资质认证"), values.parse_list, is_list=True),
        Field("description", ("简介", "企业简介"), _text),
        Field("contact_name", ("联系人",), _text),
        Field("contact_phone", ("联系电话",), _text),
        Field("contact_email", ("联系邮箱", "邮箱"), _text),
    ),
    # Fair participants (matchmaker import participants --event ID): not in formats.md,
    # which has no participant record; documented in docs/import.md.
    "participant": _fields(
        Field("enterprise", ("企业", "企业名称", "单位名称"), _text, required=True),
        Field("credit_code", ("统一社会信用代码", "信用代码"), _text),
        Field("role", ("角色", "参会身份", "身份"), values.parse_role, required=True),
        Field("table", ("桌号", "洽谈桌"), values.parse_count),
        Field("max_meetings", ("最多洽谈场次", "洽谈上限"), values.parse_count),
        Field("contact_name", ("联系人",), _text),
        Field("contact_phone", ("联系电话",), _text),
        Field("contact_email", ("联系邮箱", "邮箱"), _text),
    ),
}

#: The posting kinds (``matchmaker match`` reads these).
KINDS = ("demand", "capability")
#: Every record kind that can be read and imported.
RECORD_KINDS = tuple(SCHEMAS)

# A header may carry a unit or a required-marker: 预算（万元）, 编号*, Budget (CNY).
_UNIT = re.compile(r"^(?P<name>.*?)\s*[(（\[【](?P<unit>[^)）\]】]*)[)）\]】]\s*$")
_SCALES = {"元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000,
           "cny": 1, "rmb": 1}


def _index(schema):
    index = {}
    for field in schema.values():
        index[field.name.lower()] = field
        for header in field.headers:
            index[header] = field
    return index


_INDEXES = {kind: _index(schema) for kind, schema in SCHEMAS.items()}


def match_header(kind, header):
    """Return ``(field, scale)`` for a header, or ``(None, 1)`` for an unknown one.

    ``scale`` is the multiplier a unit in the header implies for money fields
    (``预算（万元）`` -> 10000).
    """
    index = _INDEXES[kind]
    text = to_simplified(unicodedata.normalize("NFKC", str(header))).strip().rstrip("*").strip()
    field = index.get(text) or index.get(text.lower())
    if field is not None:
        return field, 1
    match = _UNIT.match(text)
    if match:
        field = index.get(match["name"]) or index.get(match["name"].lower())
        if field is not None:
            scale = _SCALES.get(match["unit"].strip().lower(), 1) if field.is_money else 1
            return field, scale
    return None, 1


def chinese_header(name):
    """First Chinese header of an English field name (for spreadsheets meant for people)."""
    for schema in SCHEMAS.values():
        if name in schema:
            return schema[name].headers[0]
    return name
