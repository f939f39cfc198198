"""One entry of a ranking, and the reasons it carries as data."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.matching.corpus import CAPABILITY, DEMAND

__all__ = ["Match", "Reason"]

#: Kinds of reasons, in the order they are given.
KINDS = ("text", "chain", "region", "qualification")


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a pair is ranked: one kind, with its values.

    Attributes
    ----------
    kind : str
        ``"text"`` (values: the shared terms that contributed most to the text
        score, as the two postings write them, ``"demand term/capability term"``
        when they differ), ``"chain"`` (values: the chain path in supply
        direction, node ids with ``"→"`` or ``"←"`` between them), ``"region"`` (values: the common province) or
        ``"qualification"`` (values: the qualifications required and met, or
        held).
    values : tuple of str
    """

    kind: str
    values: tuple

    def __str__(self) -> str:
        """The exchange-format string of formats.md (``"text: 磷酸铁锂, 正极"``)."""
        sep = " " if self.kind == "chain" else ", "
        return f"{self.kind}: {sep.join(self.values)}"


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked posting.

    Attributes
    ----------
    id : str
        Id of the ranked capability (or demand, for :meth:`Matcher.rank_demands`).
    score : float
        In [0, 1], higher is better: the calibrated match score shown everywhere.
    reasons : tuple of Reason
        Why it is ranked.
    kind : str
        ``"capability"`` or ``"demand"``: what :attr:`id` identifies.
    """

    id: str
    score: float
    reasons: tuple
    kind: str = CAPABILITY

    @property
    def capability_id(self) -> str:
        if self.kind != CAPABILITY:
            raise AttributeError("this match ranks a demand; use demand_id")
        return self.id

    @property
    def demand_id(self) -> str:
        if self.kind != DEMAND:
            raise AttributeError("this match ranks a capability; use capability_id")
        return self.id

    def reason(self, kind) -> Reason | None:
        """The reason of ``kind``, or None."""
        return next((r for r in self.reasons if r.kind == kind), None)

    def to_dict(self) -> dict:
        """The ranked-entry object of formats.md."""
        return {f"{self.kind}_id": self.id, "score": self.score,
                "reasons": [str(r) for r in self.reasons]}
