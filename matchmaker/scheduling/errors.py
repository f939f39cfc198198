"""Errors raised by the meeting scheduler."""

__all__ = ["InvalidEventError", "ScheduleError"]


class ScheduleError(ValueError):
    """Base class of every error the scheduler raises."""


class InvalidEventError(ScheduleError):
    """The event description cannot be scheduled as given.

    Parameters
    ----------
    problems : list of Message
        Every problem found, each naming the record and field at fault,
        so that a user can fix them all in one pass; ``str()`` of each is
        its English sentence.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"the event has {count} {noun}:\n{lines}")
