"""What an import did: counts, one outcome per row, problems and similar names."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["ACTIONS", "COUNTED", "ImportResult", "Problem", "RowOutcome", "Similar", "jsonable"]

#: Counted outcomes of a row, in the order summaries give them.
COUNTED = ("created", "updated", "unchanged", "rejected")
#: Every outcome: a row whose enterprise is only similar to a stored one waits for
#: an organiser's confirmation ("review") and is not imported until then.
ACTIONS = COUNTED + ("review",)

_WORDS = {
    "zh": {"created": "新建 {n} 条", "updated": "更新 {n} 条", "unchanged": "未变 {n} 条",
           "rejected": "拒绝 {n} 条", "review": "待确认 {n} 条（名称相近）", "sep": "，",
           "dry": "（试导入，未写入）"},
    "en": {"created": "{n} created", "updated": "{n} updated", "unchanged": "{n} unchanged",
           "rejected": "{n} rejected", "review": "{n} to review (similar names)", "sep": ", ",
           "dry": " (dry run, nothing written)"},
}


def _lang(lang: str | None) -> str:
    return "en" if (lang or "").lower().startswith("en") else "zh"


@dataclass
class RowOutcome:
    """What became of one row: ``action`` is one of :data:`ACTIONS`.

    ``entity_id`` is the row's enterprise, posting or participant (None when
    rejected, or in a dry run for a row that would be created); ``label`` names
    it for people (an enterprise name, a posting title).
    """

    row: int | None
    action: str
    entity_id: int | None = None
    label: str = ""


@dataclass
class Problem:
    """Why a row (or one of its values) was refused: ``column`` is the field's English
    name (None for the whole row); ``value`` as read."""

    row: int | None
    column: str | None
    value: object
    reason_zh: str
    reason_en: str

    def reason(self, lang: str = "zh") -> str:
        return self.reason_en if _lang(lang) == "en" else self.reason_zh


@dataclass
class Similar:
    """A row whose enterprise name resembles a stored enterprise's (score 0-100)."""

    row: int | None
    name: str
    candidate_id: int
    candidate_name: str
    score: float
    linked: bool = False


@dataclass
class ImportResult:
    """The outcome of :func:`~matchmaker.services.imports.run_import`."""

    kind: str
    dry_run: bool
    threshold: float
    counts: dict = field(default_factory=lambda: {action: 0 for action in ACTIONS})
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    similar: list = field(default_factory=list)
    total: int = 0
    file_warnings: list = field(default_factory=list)

    # -- building ------------------------------------------------------------
    def outcome(self, row: int | None, action: str, entity_id: int | None = None, label: str = "") -> RowOutcome:
        outcome = RowOutcome(row, action, entity_id, label)
        self.rows.append(outcome)
        self.counts[action] = self.counts.get(action, 0) + 1
        return outcome

    def problem(self, row: int | None, column: str | None, value, reason_zh: str, reason_en: str) -> None:
        self.problems.append(Problem(row, column, jsonable(value), reason_zh, reason_en))

    def reject(self, row: int | None, column: str | None, value, reason_zh: str, reason_en: str,
               label: str = "") -> None:
        self.problem(row, column, value, reason_zh, reason_en)
        self.outcome(row, "rejected", None, label)

    # -- reading -------------------------------------------------------------
    @property
    def imported(self) -> int:
        """Rows now in the database as the file says (created, updated or unchanged)."""
        return sum(self.counts.get(action, 0) for action in ("created", "updated", "unchanged"))

    def summary(self, lang: str = "zh") -> str:
        """One line, e.g. ``0 created, 0 updated, 12 unchanged, 3 rejected``."""
        words = _WORDS[_lang(lang)]
        parts = [words[action].format(n=self.counts.get(action, 0)) for action in COUNTED]
        if self.counts.get("review"):
            parts.append(words["review"].format(n=self.counts["review"]))
        return words["sep"].join(parts) + (words["dry"] if self.dry_run else "")

    def to_dict(self) -> dict:
        return {
            "kind": self.kind, "dry_run": self.dry_run, "threshold": self.threshold,
            "counts": dict(self.counts), "total": self.total,
            "rows": [asdict(r) for r in self.rows],
            "problems": [asdict(p) for p in self.problems],
            "similar": [asdict(s) for s in self.similar],
            "file_warnings": [list(w) for w in self.file_warnings],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        counts = {action: 0 for action in ACTIONS}
        counts.update(data.get("counts") or {})
        return cls(
            kind=data["kind"], dry_run=bool(data.get("dry_run")), threshold=float(data.get("threshold", 0)),
            counts=counts, total=int(data.get("total") or 0),
            rows=[RowOutcome(**r) for r in data.get("rows") or []],
            problems=[Problem(**p) for p in data.get("problems") or []],
            similar=[Similar(**s) for s in data.get("similar") or []],
            file_warnings=[tuple(w) for w in data.get("file_warnings") or []],
        )


def jsonable(value):
    """A value as JSON can carry it (reports are stored as a job's result; audit details):
    text, numbers and booleans as they are, lists joined with ``; ``, anything else as text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)
