"""Record files at the platform's edges: JSON Lines, CSV and Excel.

See ``formats.md`` for the formats. :func:`read_records` reads enterprise,
demand, capability and fair-participant files, reporting each bad record and
keeping the good ones; :func:`write_records` and :func:`write_ranking` write them
back out, through the one spreadsheet writer of :mod:`matchmaker.io.sheets`.
"""

from .errors import RecordError, RecordFileError
from .records import ReadResult, read_records
from .writers import write_ranking, write_records

__all__ = [
    "ReadResult",
    "RecordError",
    "RecordFileError",
    "read_records",
    "write_ranking",
    "write_records",
]
