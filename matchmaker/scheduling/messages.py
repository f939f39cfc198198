"""What the scheduler says, as data: a ``kind`` with named fields.

Reasons a request is left out, reasons a published meeting changed, notes
gathered while checking an event and the problems that keep an event from
being scheduled are :class:`Message` objects. Their ``str()`` is the English
sentence of the exchange formats (the ``reason`` column of ``*.unscheduled.csv``
and ``*.changes.csv``, the problems the command line prints); other languages
are made from the kind and the fields by whoever shows them.

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

__all__ = ["KINDS", "PARTICIPANT_FIELDS", "PROBLEM_KINDS", "Message"]

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


def _r(value) -> str:
    """``repr`` of a value as the user wrote it (lists were frozen into tuples)."""
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


def _where(f) -> str:
    """The record a problem is about: a participant, a request or a locked meeting."""
    record = f["record"]
    if record == "participant":
        return f"participant {f['participant']!r}"
    if record == "request":
        return f"request #{f['index']} ({f['buyer']}, {f['supplier']})"
    return f"locked #{f['index']} ({f['buyer']}, {f['supplier']}, {f['slot']}, table {f['table']})"


def _about(sentence: _English) -> _English:
    return lambda f: f"{_where(f)}: {sentence(f)}"


#: English sentence of every problem found in an event's data (the event cannot be
#: scheduled until they are fixed). Problems about a record carry ``record``
#: (``"participant"``, ``"request"`` or ``"locked"``) and the fields naming it.
_PROBLEMS: dict[str, _English] = {
    # The event as a whole.
    "no_slots": lambda f: "slots: the event needs at least one slot",
    "duplicate_slot": lambda f: f"slots: {f['slot']!r} is listed {f['count']} times (slot names must be unique)",
    "invalid_tables": lambda f: f"tables: {_r(f['value'])} is not a whole number >= 1",
    "invalid_max_meetings_default": lambda f: f"max_meetings_default: {_r(f['value'])} is not a whole number >= 0",
    # A participant.
    "duplicate_participant": _about(lambda f: f"listed {f['count']} times (ids must be unique)"),
    "invalid_role": _about(lambda f: f"role {_r(f['role'])} is not 'buyer' or 'supplier'"),
    "supplier_table": _about(lambda f: "only buyers have a fixed table (suppliers visit buyers)"),
    "table_out_of_range": _about(lambda f: f"table {_r(f['table'])} is outside 1..{f['tables']}"),
    "unknown_unavailable_slots": _about(lambda f: f"unavailable slot(s) {', '.join(map(repr, f['slots']))} "
                                                  f"are not among the event's slots"),
    "invalid_max_meetings": _about(lambda f: f"max_meetings {_r(f['value'])} is not a whole number >= 0"),
    "locked_over_limit": _about(lambda f: f"{f['count']} locked meetings exceed max_meetings {f['limit']}"),
    # A request or a locked meeting.
    "unknown_buyer": _about(lambda f: f"unknown buyer {f['buyer']!r}"),
    "unknown_supplier": _about(lambda f: f"unknown supplier {f['supplier']!r}"),
    "roles_swapped": _about(lambda f: "buyer and supplier are swapped"),
    "not_a_buyer": _about(lambda f: f"{f['buyer']!r} is a {f['role']}, not a buyer"),
    "not_a_supplier": _about(lambda f: f"{f['supplier']!r} is a {f['role']}, not a supplier"),
    "invalid_priority": _about(lambda f: f"priority {_r(f['priority'])} must be a number above 0"),
    # A locked meeting.
    "unknown_slot": _about(lambda f: f"slot {f['slot']!r} is not among the event's slots"),
    "locked_table_taken": _about(lambda f: f"table {f['table']} already holds a locked meeting in {f['slot']}"),
    "buyer_fixed_table": _about(lambda f: f"buyer {f['buyer']!r} always sits at table {f['fixed_table']}"),
    "table_of_other_buyers": _about(lambda f: f"table {f['table']} belongs to buyer(s) {', '.join(f['buyers'])}"),
    "locked_unavailable": _about(lambda f: f"{f['participant']!r} is unavailable in {f['slot']}"),
    "locked_double_booked": _about(lambda f: f"{f['participant']!r} already has a locked meeting in {f['slot']}"),
    "pair_locked_twice": _about(lambda f: "this pair is locked more than once"),
}

#: English sentence of every problem in the shape of an event file: ``at`` names
#: the place in the file (``"participant #2.table"``, ``"locked #1.slot"``).
_FILE_PROBLEMS: dict[str, _English] = {
    "event_not_object": lambda f: "the event must be a JSON object with slots, tables, participants and requests",
    "missing_list": lambda f: f"{f['at']}: missing (expected a list)",
    "not_a_list": lambda f: f"{f['at']}: expected a list, got {f['type']}",
    "missing_tables": lambda f: "tables: missing (expected the number of tables)",
    "not_a_slot_item": lambda f: f"slots: item #{f['index']} ({_r(f['value'])}) is not a slot name",
    "not_an_object": lambda f: f"{f['at']}: expected an object with {', '.join(f['keys'][:-1])} and {f['keys'][-1]}",
    "missing_id": lambda f: f"{f['at']}: missing or not a text id",
    "missing_whole_number": lambda f: f"{f['at']}: missing (expected a whole number)",
    "not_whole_number": lambda f: f"{f['at']}: {_r(f['value'])} is not a whole number",
    "below_minimum": lambda f: f"{f['at']}: {f['value']} is below {f['minimum']}",
    "not_a_number": lambda f: f"{f['at']}: {_r(f['value'])} is not a number",
    "missing_slot_name": lambda f: f"{f['at']}: missing or not a slot name",
    "unknown_role": lambda f: f"{f['at']}: {_r(f['value'])} is not 'buyer' or 'supplier'",
    "unavailable_not_list": lambda f: f"{f['at']}: expected a list of slot names",
    "not_a_slot_name": lambda f: f"{f['at']}: {_r(f['value'])} is not a slot name",
}

_ENGLISH.update(_PROBLEMS)
_ENGLISH.update(_FILE_PROBLEMS)

#: Kinds of the problems that keep an event from being scheduled.
PROBLEM_KINDS = frozenset(_PROBLEMS) | frozenset(_FILE_PROBLEMS)

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

        Problems that keep the event from being scheduled
        (:data:`PROBLEM_KINDS`, raised in
        :class:`~.errors.InvalidEventError`). About the event: ``"no_slots"``,
        ``"duplicate_slot"`` (``slot``, ``count``), ``"invalid_tables"`` and
        ``"invalid_max_meetings_default"`` (``value``). About a record, named
        by ``record``: ``"participant"`` (with ``participant``),
        ``"request"`` (``index``, ``buyer``, ``supplier``) or ``"locked"``
        (``index``, ``buyer``, ``supplier``, ``slot``, ``table``):
        ``"duplicate_participant"`` (``count``), ``"invalid_role"``
        (``role``), ``"supplier_table"``, ``"table_out_of_range"``
        (``table``, ``tables``), ``"unknown_unavailable_slots"``
        (``slots``), ``"invalid_max_meetings"`` (``value``),
        ``"locked_over_limit"`` (``count``, ``limit``), ``"unknown_buyer"``,
        ``"unknown_supplier"``, ``"roles_swapped"``, ``"not_a_buyer"`` and
        ``"not_a_supplier"`` (``role``), ``"invalid_priority"``
        (``priority``), ``"unknown_slot"``, ``"locked_table_taken"``,
        ``"buyer_fixed_table"`` (``fixed_table``),
        ``"table_of_other_buyers"`` (``buyers``), ``"locked_unavailable"``
        and ``"locked_double_booked"`` (``participant``),
        ``"pair_locked_twice"``. About the shape of an event file, where
        ``at`` names the place in the file: ``"event_not_object"``,
        ``"missing_list"``, ``"not_a_list"`` (``type``), ``"missing_tables"``,
        ``"not_a_slot_item"`` (``index``, ``value``), ``"not_an_object"``
        (``keys``), ``"missing_id"``, ``"missing_whole_number"``,
        ``"not_whole_number"`` (``value``), ``"below_minimum"`` (``value``,
        ``minimum``), ``"not_a_number"`` (``value``),
        ``"missing_slot_name"``, ``"unknown_role"`` (``value``),
        ``"unavailable_not_list"``, ``"not_a_slot_name"`` (``value``).
    fields : mapping of str to value
        Plain values (str, int, float, or tuples of str; a problem's
        ``value`` is whatever the event held). Participant ids are in
        :data:`PARTICIPANT_FIELDS`.
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
