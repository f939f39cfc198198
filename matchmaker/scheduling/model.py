"""Plain data of a matchmaking fair: participants, requests, meetings, results."""

from __future__ import annotations

from dataclasses import dataclass, field

from .messages import Message

__all__ = [
    "BUYER",
    "SUPPLIER",
    "Change",
    "Meeting",
    "Participant",
    "Problem",
    "Request",
    "ScheduleResult",
]

BUYER = "buyer"
SUPPLIER = "supplier"


@dataclass(frozen=True)
class Participant:
    """A buyer or a supplier attending the fair.

    Parameters
    ----------
    id : str
        Unique identifier within the event.
    role : {"buyer", "supplier"}
    table : int or None
        Fixed table of a buyer (1-based). The table belongs to that buyer:
        no other meeting is ever placed there.
    unavailable : frozenset of str
        Slots the participant cannot attend.
    max_meetings : int or None
        Most meetings the participant accepts; None means no limit beyond
        the number of slots (or the problem's ``max_meetings_default``).
    """

    id: str
    role: str
    table: int | None = None
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None

    def __post_init__(self):
        if not isinstance(self.unavailable, frozenset):
            object.__setattr__(self, "unavailable", frozenset(self.unavailable))


@dataclass(frozen=True)
class Request:
    """A wish that a buyer and a supplier meet, weighted by ``priority`` (> 0)."""

    buyer: str
    supplier: str
    priority: int | float = 1

    @property
    def key(self) -> tuple[str, str]:
        return (self.buyer, self.supplier)


@dataclass(frozen=True)
class Meeting:
    """One buyer and one supplier at one table (1-based) in one slot."""

    buyer: str
    supplier: str
    slot: str
    table: int
    priority: int | float = 1
    locked: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.buyer, self.supplier)


def _tuple(value):
    return tuple(value) if value is not None else ()


@dataclass(frozen=True)
class Problem:
    """Everything the scheduler needs to build one fair's schedule.

    Parameters
    ----------
    slots : sequence of str
        Time slots in chronological order.
    tables : int
        Number of tables, numbered 1..tables.
    participants : sequence of Participant
    requests : sequence of Request
    locked : sequence of Meeting
        Meetings fixed by the organiser; kept exactly (slot and table).
    previous : sequence of Meeting
        A schedule already published. With ``allow_moves=False`` each of
        its meetings that is still valid stays exactly where it is; with
        ``allow_moves=True`` they are preferred but may move.
    allow_moves : bool
    max_meetings_default : int or None
        Limit applied to participants without their own ``max_meetings``.
    warnings : sequence of Message
        Notes gathered while checking the event (merged duplicate requests,
        a table shared by buyers).
    """

    slots: tuple[str, ...]
    tables: int
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]
    locked: tuple[Meeting, ...] = ()
    previous: tuple[Meeting, ...] = ()
    allow_moves: bool = True
    max_meetings_default: int | None = None
    warnings: tuple[Message, ...] = ()

    def __post_init__(self):
        for name in ("slots", "participants", "requests", "locked", "previous", "warnings"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))

    @classmethod
    def from_dict(cls, data) -> Problem:
        """Read the event JSON object described in the exchange formats.

        Raises
        ------
        InvalidEventError
            Listing every problem found in the event.
        """
        from .parse import problem_from_dict

        return problem_from_dict(data)

    def participant_map(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}


@dataclass(frozen=True)
class Change:
    """How one meeting of the previous schedule differs in the new one.

    ``kind`` is ``"added"``, ``"removed"`` or ``"moved"``; ``before`` is the
    published meeting (None when added), ``after`` the new one (None when
    removed); ``reason`` says why a meeting moved or was removed (None when
    added).
    """

    kind: str
    buyer: str
    supplier: str
    before: Meeting | None
    after: Meeting | None
    reason: Message | None = None


@dataclass
class ScheduleResult:
    """A schedule and how good it is.

    Attributes
    ----------
    meetings : list of Meeting
        Sorted by slot order, then table.
    unscheduled : list of (Request, Message)
        Requests left out, each with the reason.
    total_priority : float
        Sum of the priorities of the meetings held.
    upper_bound : float
        No schedule reaching ``participants_met`` participants holds more
        total priority than this.
    participants_with_request : int
        Buyers and suppliers named in at least one request.
    participants_met : int
        Those of them that have at least one meeting.
    coverage_bound : int
        No schedule meets more participants than this.
    optimal : bool
        True when the schedule is proven lexicographically optimal
        (coverage first, then total priority).
    changes : list of Change
        Differences from ``problem.previous`` (empty without one).
    stats : dict
        ``time`` (s), ``method`` and solver details.
    warnings : list of Message
        The problem's notes (see :attr:`Problem.warnings`).
    """

    meetings: list[Meeting]
    unscheduled: list[tuple[Request, Message]]
    total_priority: float
    upper_bound: float
    participants_with_request: int
    participants_met: int
    coverage_bound: int
    optimal: bool
    changes: list[Change] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    warnings: list[Message] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """Relative distance of ``total_priority`` from ``upper_bound`` (0 is best)."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.total_priority) / self.upper_bound)

    @property
    def participants_unmet(self) -> int:
        return self.participants_with_request - self.participants_met
