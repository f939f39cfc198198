"""One entry of a ranking."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.matching.corpus import CAPABILITY, DEMAND

__all__ = ["Match"]


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked posting.

    Attributes
    ----------
    id : str
        Id of the ranked capability (or demand, for :meth:`Matcher.rank_demands`).
    score : float
        In [0, 1], higher is better.
    reasons : tuple of str
        Why it is ranked (``"text: ..."``, ``"chain: ..."``, ``"region: ..."``,
        ``"qualification: ..."``).
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

    def to_dict(self) -> dict:
        """The ranked-entry object of formats.md."""
        return {f"{self.kind}_id": self.id, "score": self.score, "reasons": list(self.reasons)}
