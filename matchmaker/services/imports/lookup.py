"""Which stored enterprise a row means: by credit code, then by name, then by a similar name.

Names are compared on :func:`~matchmaker.services.names.name_key` (simplified,
half-width, lower-case, legal form removed), so ``蘇州精工科技有限公司`` and
``苏州精工科技有限公司`` are one name; a name that is only similar (RapidFuzz
``WRatio`` of the keys, as the site's enterprise search scores, at least
:data:`SIMILAR_THRESHOLD`) is a candidate an organiser confirms, unless another candidate scores
within :data:`NEAR_TIE` points of it: such a name is ambiguous and never
offered for linking. Two enterprises with different credit codes are never
the same one, whatever their names.

The index is read once per import (one query) and follows the enterprises the
import itself creates, so that a file's second row naming the same enterprise
finds the first.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import uscc as uscc_rules
from ...models import Enterprise
from ..enterprises import bilingual
from ..names import name_key
from .reasons import both, in_both

__all__ = ["NEAR_TIE", "SIMILAR_THRESHOLD", "EnterpriseIndex", "Match", "check_code"]

#: Lowest name similarity (RapidFuzz WRatio, 0-100) offered as "perhaps the same enterprise".
SIMILAR_THRESHOLD = 90.0
#: Candidates scoring within this many points of the best make a similar name ambiguous.
NEAR_TIE = 3.0


@dataclass
class Match:
    """How a row's enterprise was found.

    ``how`` is ``"code"``, ``"name"``, ``"similar"``, ``"ambiguous"`` (several
    similar names score alike: ``candidates`` lists them as ``(id, score)``, best
    first) or ``"none"``; ``problem`` is a ``(zh, en)`` reason when the row
    cannot be matched safely (a name shared by enterprises with other credit codes).
    """

    how: str
    enterprise_id: int | None = None
    score: float = 100.0
    problem: tuple[str, str] | None = None
    candidates: list[tuple[int, float]] = field(default_factory=list)


def check_code(code) -> tuple[str | None, tuple[str, str] | None]:
    """A credit code from a file: ``(normalised code, None)``, ``(None, None)`` when blank,
    or ``(None, (zh, en))`` when it is not a valid code."""
    if code is None or str(code).strip() == "":
        return None, None
    result = uscc_rules.validate(code)
    if result.valid:
        return result.code, None
    zh, en = in_both(lambda: bilingual(result.reason))
    return None, (f"统一社会信用代码无效：{zh}", f"invalid unified social credit code: {en}")


class EnterpriseIndex:
    """Stored enterprises by credit code and name key, for one import."""

    def __init__(self, session: Session, threshold: float = SIMILAR_THRESHOLD):
        self.threshold = threshold
        self.by_code: dict[str, int] = {}
        self.by_key: dict[str, list[int]] = {}
        self.keys: dict[int, str] = {}
        self.codes: dict[int, str | None] = {}
        self.names: dict[int, str] = {}
        for eid, name, code in session.execute(select(Enterprise.id, Enterprise.name, Enterprise.uscc)):
            self.add(eid, name, code)

    def add(self, enterprise_id: int, name: str, code: str | None) -> None:
        """Know an enterprise (a stored one, or one this import creates or renames)."""
        self.remove(enterprise_id)
        key = name_key(name)
        self.keys[enterprise_id] = key
        self.names[enterprise_id] = name
        self.codes[enterprise_id] = code
        self.by_key.setdefault(key, []).append(enterprise_id)
        if code:
            self.by_code[code] = enterprise_id

    def remove(self, enterprise_id: int) -> None:
        """Forget an enterprise (a stand-in for one not written yet, or an old name)."""
        key = self.keys.pop(enterprise_id, None)
        if key is not None and enterprise_id in self.by_key.get(key, ()):
            self.by_key[key].remove(enterprise_id)
        code = self.codes.pop(enterprise_id, None)
        if code and self.by_code.get(code) == enterprise_id:
            del self.by_code[code]
        self.names.pop(enterprise_id, None)

    def find(self, name: str | None, code: str | None, *, similar: bool = True) -> Match:
        """The enterprise a row with ``name`` and (valid, normalised) ``code`` means."""
        if code and code in self.by_code:
            return Match("code", self.by_code[code])
        key = name_key(name or "")
        if not key:
            return Match("none")
        same = self.by_key.get(key, [])
        if same:
            fitting = [eid for eid in same if not (code and self.codes.get(eid) and self.codes[eid] != code)]
            if len(fitting) == 1:
                return Match("name", fitting[0])
            if len(fitting) > 1:
                return Match("none", problem=both(
                    "有 {n} 家企业名称与“{name}”相同，请填写统一社会信用代码以区分",
                    "{n} enterprises have the name “{name}”; give the credit code to tell them apart",
                    n=len(fitting), name=name))
            other = self.codes[same[0]]
            return Match("none", problem=both(
                "已有同名企业“{stored}”，但其统一社会信用代码为 {other}，与本行的 {code} 不同",
                "an enterprise named “{stored}” exists with credit code {other}, not this row's {code}",
                stored=self.names[same[0]], other=other, code=code))
        if not similar or not self.keys:
            return Match("none")
        found = process.extract(key, self.keys, scorer=fuzz.WRatio, score_cutoff=self.threshold, limit=10)
        # another registered body is never a candidate, however alike the names
        fitting = [(eid, round(float(score), 1)) for _, score, eid in found
                   if not (code and self.codes.get(eid) and self.codes[eid] != code)]
        if not fitting:
            return Match("none")
        best, score = fitting[0]
        close = [(eid, s) for eid, s in fitting if score - s <= NEAR_TIE]
        if len(close) > 1:
            return Match("ambiguous", None, score, candidates=close)
        return Match("similar", best, score)
