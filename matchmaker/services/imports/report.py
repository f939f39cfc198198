"""The import report as a workbook: summary, problems, names to review, every row."""
from __future__ import annotations

from ...io.schema import chinese_header
from ...io.sheets import write_table
from .result import ACTIONS, ImportResult

__all__ = ["write_report"]

_KINDS = {"enterprises": ("企业", "enterprises"), "demands": ("需求", "demands"),
          "capabilities": ("能力", "capabilities"), "participants": ("参会企业", "participants")}
_ACTIONS = {"created": ("新建", "created"), "updated": ("更新", "updated"), "unchanged": ("未变", "unchanged"),
            "rejected": ("拒绝", "rejected"), "review": ("待确认", "to review")}
_TEXT = {
    "zh": {"summary": "汇总", "problems": "问题", "review": "相近名称", "rows": "逐行结果",
           "item": "项目", "count": "数量", "kind": "导入内容", "dry": "试导入（未写入）", "yes": "是", "no": "否",
           "total": "总行数", "threshold": "相近名称阈值（0-100）", "file": "文件提示",
           "problem_header": ("行", "列", "值", "原因"),
           "review_header": ("行", "文件中的名称", "平台企业编号", "平台企业名称", "相似度", "已确认为同一企业"),
           "row_header": ("行", "结果", "编号", "名称")},
    "en": {"summary": "Summary", "problems": "Problems", "review": "Similar names", "rows": "Rows",
           "item": "Item", "count": "Count", "kind": "Imported", "dry": "Dry run (nothing written)", "yes": "yes",
           "no": "no", "total": "Rows in the file", "threshold": "Similar-name threshold (0-100)",
           "file": "About the file",
           "problem_header": ("Row", "Column", "Value", "Reason"),
           "review_header": ("Row", "Name in the file", "Enterprise id", "Enterprise on the platform", "Score",
                             "Confirmed as the same"),
           "row_header": ("Row", "Outcome", "Id", "Name")},
}


def write_report(result: ImportResult, target, lang: str = "zh") -> None:
    """Write ``result`` as an XLSX workbook (a path or a binary file) in ``lang`` (``zh``/``en``)."""
    en = (lang or "").lower().startswith("en")
    words = _TEXT["en" if en else "zh"]
    pick = (lambda pair: pair[1]) if en else (lambda pair: pair[0])
    summary = [(words["kind"], pick(_KINDS.get(result.kind, (result.kind, result.kind)))),
               (words["dry"], words["yes"] if result.dry_run else words["no"]),
               (words["total"], result.total)]
    summary += [(pick(_ACTIONS[action]), result.counts.get(action, 0)) for action in ACTIONS]
    summary.append((words["threshold"], result.threshold))
    summary += [(words["file"], pick(warning)) for warning in result.file_warnings]
    problems = [(p.row, _column(p.column, en), p.value, p.reason_en if en else p.reason_zh)
                for p in result.problems]
    review = [(s.row, s.name, s.candidate_id, s.candidate_name, s.score, words["yes"] if s.linked else words["no"])
              for s in result.similar]
    rows = [(r.row, pick(_ACTIONS.get(r.action, (r.action, r.action))), r.entity_id, r.label) for r in result.rows]
    write_table(target, (words["item"], words["count"]), summary, fmt="xlsx", title=words["summary"],
                sheets=[(words["problems"], words["problem_header"], problems),
                        (words["review"], words["review_header"], review),
                        (words["rows"], words["row_header"], rows)])


def _column(name: str | None, en: bool) -> str | None:
    if name is None:
        return None
    return name if en else chinese_header(name)
