"""Read the event JSON (exchange formats, "Event for scheduling") into a Problem."""

from __future__ import annotations

import math
from collections.abc import Mapping

from .errors import InvalidEventError
from .messages import Message
from .model import BUYER, SUPPLIER, Meeting, Participant, Problem, Request
from .validate import validate

__all__ = ["meeting_from_dict", "problem_from_dict"]

_ROLES = {"buyer": BUYER, "supplier": SUPPLIER}


def _ident(value, where, errors):
    # Spreadsheet exports often turn ids such as 1001 into numbers.
    if isinstance(value, bool) or value is None:
        errors.append(Message("missing_id", {"at": where}))
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    errors.append(Message("missing_id", {"at": where}))
    return None


def _integer(value, where, errors, *, minimum=None):
    if value is None:
        errors.append(Message("missing_whole_number", {"at": where}))
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(Message("not_whole_number", {"at": where, "value": value}))
        return None
    if minimum is not None and value < minimum:
        errors.append(Message("below_minimum", {"at": where, "value": value, "minimum": minimum}))
        return None
    return value


def _priority(value, where, errors):
    if value is None:
        return 1
    if isinstance(value, str):
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            errors.append(Message("not_a_number", {"at": where, "value": value}))
            return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        errors.append(Message("not_a_number", {"at": where, "value": value}))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


def meeting_from_dict(item, where, errors, *, locked=False):
    """Read one meeting object; append problems to ``errors`` and return None on failure."""
    if not isinstance(item, Mapping):
        errors.append(Message("not_an_object", {"at": where, "keys": ("buyer", "supplier", "slot", "table")}))
        return None
    count = len(errors)
    buyer = _ident(item.get("buyer"), f"{where}.buyer", errors)
    supplier = _ident(item.get("supplier"), f"{where}.supplier", errors)
    slot = item.get("slot")
    if not isinstance(slot, str) or not slot.strip():
        errors.append(Message("missing_slot_name", {"at": f"{where}.slot"}))
    table = _integer(item.get("table"), f"{where}.table", errors)
    priority = _priority(item.get("priority"), f"{where}.priority", errors)
    if len(errors) > count:
        return None
    return Meeting(buyer, supplier, slot.strip(), table, priority, locked)


def _participant(item, i, errors):
    where = f"participant #{i + 1}"
    if not isinstance(item, Mapping):
        errors.append(Message("not_an_object", {"at": where, "keys": ("id", "role")}))
        return None
    count = len(errors)
    pid = _ident(item.get("id"), f"{where}.id", errors)
    if pid is not None:
        where = f"participant {pid!r}"
    role = item.get("role")
    role = _ROLES.get(role.strip().lower()) if isinstance(role, str) else None
    if role is None:
        errors.append(Message("unknown_role", {"at": f"{where}.role", "value": item.get("role")}))
    table = item.get("table")
    if table is not None:
        table = _integer(table, f"{where}.table", errors, minimum=1)
    max_meetings = item.get("max_meetings")
    if max_meetings is not None:
        max_meetings = _integer(max_meetings, f"{where}.max_meetings", errors, minimum=0)
    unavailable = item.get("unavailable") or []
    if isinstance(unavailable, str) or not isinstance(unavailable, list):
        errors.append(Message("unavailable_not_list", {"at": f"{where}.unavailable"}))
        unavailable = []
    names = set()
    for slot in unavailable:
        if not isinstance(slot, str):
            errors.append(Message("not_a_slot_name", {"at": f"{where}.unavailable", "value": slot}))
        else:
            names.add(slot.strip())
    if len(errors) > count:
        return None
    return Participant(pid, role, table, frozenset(names), max_meetings)


def _request(item, i, errors):
    where = f"request #{i + 1}"
    if not isinstance(item, Mapping):
        errors.append(Message("not_an_object", {"at": where, "keys": ("buyer", "supplier")}))
        return None
    count = len(errors)
    buyer = _ident(item.get("buyer"), f"{where}.buyer", errors)
    supplier = _ident(item.get("supplier"), f"{where}.supplier", errors)
    priority = _priority(item.get("priority"), f"{where}.priority", errors)
    if len(errors) > count:
        return None
    return Request(buyer, supplier, priority)


def _list(data, key, errors, *, required):
    value = data.get(key)
    if value is None:
        if required:
            errors.append(Message("missing_list", {"at": key}))
        return []
    if not isinstance(value, list):
        errors.append(Message("not_a_list", {"at": key, "type": type(value).__name__}))
        return []
    return value


def problem_from_dict(data) -> Problem:
    """Build a validated Problem from the event JSON object.

    Raises
    ------
    InvalidEventError
        Listing every problem found (shape and meaning).
    """
    if not isinstance(data, Mapping):
        raise InvalidEventError([Message("event_not_object")])
    errors: list[Message] = []
    slots = []
    for i, slot in enumerate(_list(data, "slots", errors, required=True)):
        if not isinstance(slot, str) or not slot.strip():
            errors.append(Message("not_a_slot_item", {"index": i + 1, "value": slot}))
        else:
            slots.append(slot.strip())
    tables = data.get("tables")
    tables = _integer(tables, "tables", errors, minimum=1) if tables is not None else None
    if data.get("tables") is None:
        errors.append(Message("missing_tables"))
    participants = [_participant(p, i, errors)
                    for i, p in enumerate(_list(data, "participants", errors, required=True))]
    requests = [_request(r, i, errors)
                for i, r in enumerate(_list(data, "requests", errors, required=True))]
    locked = [meeting_from_dict(m, f"locked #{i + 1}", errors, locked=True)
              for i, m in enumerate(_list(data, "locked", errors, required=False))]
    previous = [meeting_from_dict(m, f"previous #{i + 1}", errors)
                for i, m in enumerate(_list(data, "previous", errors, required=False))]
    default = data.get("max_meetings_default")
    if default is not None:
        default = _integer(default, "max_meetings_default", errors, minimum=0)
    problem = Problem(
        slots=slots,
        # An unreadable table count is already reported; a large stand-in keeps
        # it from also flagging every table number as out of range.
        tables=tables or 10**9,
        participants=[p for p in participants if p is not None],
        requests=[r for r in requests if r is not None],
        locked=[m for m in locked if m is not None],
        previous=[m for m in previous if m is not None],
        max_meetings_default=default,
    )
    try:
        problem = validate(problem)
    except InvalidEventError as exc:
        errors.extend(exc.problems)
    if errors:
        raise InvalidEventError(errors)
    return problem
