"""Errors raised by the ranking engine, with messages a user can act on."""

__all__ = [
    "DuplicateRecordError",
    "GlossaryError",
    "InvalidRecordError",
    "MatchingError",
    "NotFittedError",
    "UnknownRecordError",
]


class MatchingError(Exception):
    """Base class of the ranking engine's errors."""


class NotFittedError(MatchingError, RuntimeError):
    """The matcher was used before :meth:`Matcher.fit`, or without the side asked for."""


class GlossaryError(MatchingError, ValueError):
    """A glossary file cannot be read; the message names the file and line."""

    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{path}:{line}: {reason}")


class DuplicateRecordError(MatchingError, ValueError):
    """A record id is already in the index; use ``update`` to replace a record."""

    def __init__(self, record_id):
        self.record_id = record_id
        super().__init__(f"record {record_id!r} is already indexed; call update() to replace it")


class UnknownRecordError(MatchingError, KeyError):
    """No record with this id is in the index."""

    def __init__(self, record_id):
        self.record_id = record_id
        super().__init__(f"no record with id {record_id!r} is indexed")

    def __str__(self):
        return self.args[0]


class InvalidRecordError(MatchingError, ValueError):
    """A record lacks a field the engine needs (an ``id``, a ``title``)."""
