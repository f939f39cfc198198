"""Bulk import of enterprises, demands, capabilities and fair participants from files.

``matchmaker import KIND FILE`` and the organisers' upload page both call
:func:`run_import`. Files are read by :func:`matchmaker.io.records.read_records`
(.xlsx, .csv in UTF-8 or GB18030, .jsonl; the headers of formats.md); every
row ends in one outcome:

created, updated, unchanged
    The row is in the database as the file says. Values are compared after
    normalisation, so importing the same file again changes nothing (and
    touches no update time).
rejected
    A value could not be read or breaks a rule of the site; the row is left
    out, every other row is still imported, and :class:`Problem` entries say
    which column, which value and why (in Chinese and English).
review
    The row's enterprise is not found by credit code or name, but a stored
    enterprise's name is similar (score at least :data:`SIMILAR_THRESHOLD`);
    it is listed in ``similar`` and imported only once confirmed
    (``link_similar``: the ``--link-similar`` option, or the rows an organiser
    ticks on the upload page). A name about as similar to several enterprises
    is rejected instead, naming them.

The site's rules hold, through the site's own functions: who may change an
enterprise (an organiser changes none that has member accounts or is
verified, nor its postings), size classes, payment terms, the cleaning of
posting fields, and fair registration. Every created or changed record gets
the audit entry the site writes for it, and the import as a whole one
``import.<kind>`` entry naming the user's file.

Modules: :mod:`.lookup` finds enterprises, :mod:`.enterprises`,
:mod:`.postings` and :mod:`.participants` apply rows of each kind,
:mod:`.cleaning` and :mod:`.reasons` check values and word the reasons,
:mod:`.result` holds the outcome and :mod:`.report` writes it as a workbook.
"""
from .lookup import SIMILAR_THRESHOLD
from .report import write_report
from .result import ACTIONS, COUNTED, ImportResult, Problem, RowOutcome, Similar
from .run import IMPORT_KINDS, ImportRefused, run_import

__all__ = [
    "ACTIONS",
    "COUNTED",
    "IMPORT_KINDS",
    "SIMILAR_THRESHOLD",
    "ImportRefused",
    "ImportResult",
    "Problem",
    "RowOutcome",
    "Similar",
    "run_import",
    "write_report",
]
