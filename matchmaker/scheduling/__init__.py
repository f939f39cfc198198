"""Pure meeting scheduler for matchmaking fairs (百场万企洽谈会).

Build a 1:1 schedule of buyer-supplier meetings over time slots and tables:
first meet as many participants as possible, then hold as much request
priority as possible, with proven bounds on both.

>>> problem = Problem.from_dict({
...     "slots": ["09:00", "09:20"], "tables": 1,
...     "participants": [{"id": "B1", "role": "buyer"},
...                      {"id": "S1", "role": "supplier"}],
...     "requests": [{"buyer": "B1", "supplier": "S1", "priority": 2}]})
>>> result = schedule(problem)
>>> [(m.slot, m.table, m.buyer, m.supplier) for m in result.meetings]
[('09:00', 1, 'B1', 'S1')]
"""

from .check import check
from .errors import InvalidEventError, ScheduleError
from .greedy import greedy_schedule
from .messages import Message
from .model import Change, Meeting, Participant, Problem, Request, ScheduleResult
from .solver import schedule
from .validate import validate

__all__ = [
    "Change",
    "InvalidEventError",
    "Meeting",
    "Message",
    "Participant",
    "Problem",
    "Request",
    "ScheduleError",
    "ScheduleResult",
    "check",
    "greedy_schedule",
    "schedule",
    "validate",
]
