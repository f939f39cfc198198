"""What the scheduler says, as data: a ``kind`` with named fields.

Reasons a request is left out, reasons a published meeting changed and notes
gathered while checking an event are :class:`Message` objects. Their ``str()``
is the English sentence of the exchange formats (the ``reason`` column of
``*.unscheduled.csv`` and ``*.changes.csv``); other languages are made from the
kind and the fields by whoever shows them.

>>> m = Message("max_meetings", {"role": "supplier", "participant": "S1", "limit": 1})
>>> str(m)
'supplier reached max_meetings (1)'
>>> Message.from_dict(m.to_dict()) == m
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "PARTICIPANT_FIELDS", "Message"]

#: Fields that hold participant ids (a single id, or a tuple of ids).
PARTICIPANT_FIELDS = ("participant", "buyer", "supplier", "buyers")


def _number(value):
    return int(value) if float(value).is_integer() else value


def _kept(fields) -> str:
    return {"priority": "; lower priority than the meetings kept",
            "coverage": "; those slots hold meetings that let more participants meet"}.get(
        fields.get("kept"), "")


_English = Callable[[Mapping[str, Any]], str]

#: English sentence of every kind, from its fields.
_ENGLISH: dict[str, _English] = {
    # Why a request is left out.
    "no_shared_slot": lambda f: "buyer and supplier share no free slot",
    "no_table_for_buyer": lambda f: "no table for this buyer: every table is another buyer's fixed table",
    "tables_held": lambda f: "no table free in common slots (locked or kept meetings hold them)",
    "slots_held": lambda f: "the slots they share are taken by locked or kept meetings",
    "max_meetings": lambda f: f"{f['role']} reached max_meetings ({f['limit']})",
    "schedule_full": lambda f: f"{f['role']}'s schedule is full",
    "busy": lambda f: f"{f['role']} is busy in every slot they share" + _kept(f),
    "no_common_free_slot": lambda f: "buyer and supplier have no common free slot left" + _kept(f),
    "table_taken": lambda f: f"table {f['table']} is taken in every common free slot" + _kept(f),
    "no_free_table": lambda f: "no table free in common slots" + _kept(f),
    "time_limit": lambda f: "left out when the time limit was reached",
    "left_out": lambda f: "left out",
    # Why a published meeting moved or was removed.
    "participant_left": lambda f: f"{f['participant']} is no longer in the event",
    "slot_removed": lambda f: f"slot {f['slot']} no longer exists",
    "request_withdrawn": lambda f: "request withdrawn",
    "participant_unavailable": lambda f: f"{f['participant']} is now unavailable in {f['slot']}",
    "replaced_by_locked": lambda f: "replaced by a locked meeting of the same pair",
    "slot_conflict": lambda f: "conflicts with a locked or kept meeting in the same slot",
    "max_meetings_lowered": lambda f: f"{f['participant']} now accepts at most {f['limit']} meetings",
    "no_table_left": lambda f: "no table left in that slot",
    "buyer_table_taken": lambda f: "the buyer's table is taken in that slot",
    "table_changed": lambda f: "table changed",
    "slot_changed": lambda f: "moved to another slot",
    # Notes on the event itself.
    "shared_table": lambda f: (f"table {f['table']} is the fixed table of {', '.join(f['buyers'])}; "
                               f"they never have meetings in the same slot"),
    "duplicate_request": lambda f: (f"request ({f['buyer']}, {f['supplier']}) is listed {f['count']} times; "
                                    f"kept once with the highest priority, {_number(f['priority'])}"),
}

#: Every kind of message the scheduler gives.
KINDS = frozenset(_ENGLISH)


def _frozen(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


@dataclass(frozen=True)
class Message:
    """One thing the scheduler says: a stable ``kind`` and its named values.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.

        Left-out requests: ``"no_shared_slot"``, ``"no_table_for_buyer"``,
        ``"tables_held"``, ``"slots_held"``, ``"max_meetings"`` (fields ``role``,
        ``participant``, ``limit``), ``"schedule_full"`` (``role``,
        ``participant``), ``"busy"`` (``role``, ``participant``),
        ``"no_common_free_slot"``, ``"table_taken"`` (``table``),
        ``"no_free_table"``, ``"time_limit"``, ``"left_out"``. The four that
        follow ``"busy"`` may carry ``kept``: ``"priority"`` when the meetings
        holding those slots have at least the request's priority,
        ``"coverage"`` when they let more participants meet.

        Changes to a published schedule: ``"participant_left"``
        (``participant``), ``"slot_removed"`` (``slot``),
        ``"request_withdrawn"``, ``"participant_unavailable"`` (``participant``,
        ``slot``), ``"replaced_by_locked"``, ``"slot_conflict"``,
        ``"max_meetings_lowered"`` (``participant``, ``limit``),
        ``"no_table_left"``, ``"buyer_table_taken"``, ``"table_changed"``,
        ``"slot_changed"``, or any left-out reason.

        Notes on the event: ``"shared_table"`` (``table``, ``buyers``),
        ``"duplicate_request"`` (``buyer``, ``supplier``, ``count``,
        ``priority``).
    fields : mapping of str to value
        Plain values (str, int, float, or tuples of str). Participant ids are
        in :data:`PARTICIPANT_FIELDS`.
    """

    kind: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in _ENGLISH:
            raise ValueError(f"unknown scheduler message kind {self.kind!r}")
        object.__setattr__(self, "fields", {k: _frozen(v) for k, v in dict(self.fields).items()})

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.fields.items()))))

    def __str__(self) -> str:
        """The English sentence, as written to the exchange files."""
        return _ENGLISH[self.kind](self.fields)

    def __getitem__(self, name: str):
        return self.fields[name]

    def get(self, name: str, default=None):
        return self.fields.get(name, default)

    def participants(self) -> tuple[str, ...]:
        """Every participant id the message names."""
        out = []
        for name in PARTICIPANT_FIELDS:
            value = self.fields.get(name)
            if isinstance(value, tuple):
                out.extend(value)
            elif value is not None:
                out.append(value)
        return tuple(out)

    def renamed(self, names: Mapping[str, str]) -> Message:
        """The same message with participant ids replaced by ``names[id]`` where known."""
        fields = dict(self.fields)
        for name in PARTICIPANT_FIELDS:
            value = fields.get(name)
            if isinstance(value, tuple):
                fields[name] = tuple(names.get(v, v) for v in value)
            elif value is not None:
                fields[name] = names.get(value, value)
        return Message(self.kind, fields)

    def to_dict(self) -> dict:
        """A JSON-ready ``{"kind": ..., "fields": {...}}``."""
        return {"kind": self.kind,
                "fields": {k: list(v) if isinstance(v, tuple) else v for k, v in self.fields.items()}}

    @classmethod
    def from_dict(cls, data: Mapping) -> Message:
        """The message :meth:`to_dict` gave."""
        return cls(data["kind"], data.get("fields") or {})
