"""Problems met while reading or writing record files.

A problem with one record is a :class:`RecordError` value: it is collected, not
raised, so that every other record of the file is still read. A problem with the
whole file (it is missing, of an unsupported type, unreadable, or lacks a
required column) raises :class:`RecordFileError`.
"""

from dataclasses import dataclass

__all__ = ["RecordError", "RecordFileError"]


@dataclass(frozen=True)
class RecordError:
    """One record that could not be read (or, in warnings, was read with a remark).

    Attributes
    ----------
    file : str
        Path of the file, as given.
    line : int or None
        Line number in a JSON Lines file; row number as a spreadsheet shows it
        in CSV/XLSX (the header is row 1). None for a remark about the whole file.
    field : str or None
        English name of the field concerned, None when the whole record is bad.
    reason : str
        What is wrong, in words a user can act on.
    """

    file: str
    line: int | None
    field: str | None
    reason: str

    def __str__(self):
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class RecordFileError(ValueError):
    """A record file cannot be read or written at all.

    Attributes
    ----------
    path : str
    reason : str
    """

    def __init__(self, path, reason):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
