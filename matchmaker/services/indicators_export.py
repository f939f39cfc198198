"""The 融通 indicators as an XLSX workbook laid out for reporting upward.

Sheet 1 「指标说明」 defines every indicator (key, Chinese and English name,
definition, unit); sheet 2 「指标数据」 has a title row (region, period, time
generated in Beijing time), a frozen header, one row per enterprise and a
totals row. Amounts in 万元 carry two decimals and shares are percentages.
"""
from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ..io.sheets import neutralise
from .indicators import BEIJING, INDICATORS, Report, Row

__all__ = ["DATA_SHEET", "DEFINITIONS_SHEET", "FIXED_COLUMNS", "TOTAL_LABEL", "format_value", "write_xlsx"]

DEFINITIONS_SHEET = "指标说明"
DATA_SHEET = "指标数据"
#: Columns before the indicators on the data sheet.
FIXED_COLUMNS = ("序号", "企业名称 Enterprise", "统一社会信用代码 USCC", "省份 Province", "城市 City", "规模 Size")
TOTAL_LABEL = "合计 Total"
_SIZES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
_FORMATS = {"count": "0", "amount": "#,##0.00", "share": "0.0%"}
_BOLD = Font(bold=True)
_THIN = Side(style="thin")


def format_value(kind: str, value) -> str:
    """A value as the page shows it: ``12``, ``1,234.50``, ``66.7%``, or ``—`` for a share without a base."""
    if value is None:
        return "—"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "amount":
        return f"{value:,.2f}"
    return f"{value:d}" if isinstance(value, int) else f"{value:g}"


def _definitions(ws, days: int) -> None:
    ws.append(["key", "指标", "Indicator", "定义 Definition", "单位 Unit"])
    for cell in ws[1]:
        cell.font = _BOLD
    for ind in INDICATORS:
        definition = f"{ind.explained(days, 'zh')}\n{ind.explained(days, 'en')}"
        ws.append([ind.key, ind.zh, ind.en, definition, f"{ind.unit_zh} / {ind.unit_en}"])
    for col, width in zip("ABCDE", (24, 20, 30, 90, 16)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _enterprise_cells(n: int, row: Row) -> list:
    e = row.enterprise
    return [n, neutralise(e.name), neutralise(e.uscc or ""), neutralise(e.region or ""), neutralise(e.city or ""),
            _SIZES.get(e.size or "", "")]


def _data(ws, report: Report, generated_at: dt.datetime) -> None:
    width = len(FIXED_COLUMNS) + len(INDICATORS)
    local = generated_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    chain = f" · 产业链 {report.chain}" if report.chain else ""
    ws.append([(f"{report.scope.label} 大型企业融通指标{chain} · 统计期 {report.period.start.isoformat()} 至 "
               f"{report.period.end.isoformat()} · 生成时间 {local}（北京时间）")])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=13)
    header = [*FIXED_COLUMNS, *(f"{i.zh}（{i.unit_zh}）\n{i.en}" for i in INDICATORS)]
    ws.append(header)
    for cell in ws[2]:
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=_THIN)
    ws.row_dimensions[2].height = 48
    for n, row in enumerate(report.rows, start=1):
        values = row.values()
        ws.append([*_enterprise_cells(n, row), *(values[i.key] for i in INDICATORS)])
    totals = report.totals.values()
    ws.append([None, TOTAL_LABEL, "", report.scope.label, "", "", *(totals[i.key] for i in INDICATORS)])
    last = ws.max_row
    for cell in ws[last]:
        cell.font = _BOLD
        cell.border = Border(top=_THIN)
    for col, ind in enumerate(INDICATORS, start=len(FIXED_COLUMNS) + 1):
        for (cell,) in ws.iter_rows(min_row=3, max_row=last, min_col=col, max_col=col):
            cell.number_format = _FORMATS[ind.kind]
        ws.column_dimensions[get_column_letter(col)].width = 14
    for col, w in zip("ABCDEF", (6, 32, 22, 12, 12, 8)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([])
    ws.append([(f"注：中小企业家数的合计为去重后的家数；比例的合计为总体比例（合计分子 / 合计分母），不是各企业比例的平均。"
               f"需求按时响应率的 N = {report.days} 天。")])


def write_xlsx(report: Report, stream: BinaryIO, generated_at: dt.datetime | None = None) -> None:
    """Write ``report`` as an XLSX workbook to ``stream``."""
    wb = Workbook()
    definitions = wb.active
    definitions.title = DEFINITIONS_SHEET
    _definitions(definitions, report.days)
    _data(wb.create_sheet(DATA_SHEET), report, generated_at or dt.datetime.now(dt.UTC))
    wb.save(stream)
