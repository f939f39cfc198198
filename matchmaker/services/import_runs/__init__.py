"""Bulk imports from the site: the uploaded file kept, each pass over it run as a job.

An organiser uploads a file; it is checked (type, size, content) and kept under a
random name in the import folder (:mod:`.storage`), and a dry run (the preview) is
started (:mod:`.runs`). The preview's result lists what would be created, updated,
left unchanged or refused, and the enterprises whose names resemble stored ones;
the organiser confirms the similar names to link, and a second run imports the
same file for real.

Each run is a job (:mod:`.jobs`, see :mod:`matchmaker.jobs`): queued for a worker
when the site has a job queue, on a thread of the web process otherwise, so the
page can show its progress either way (:mod:`.status`). The job records the run's
state (queued, running, done, failed), the records handled so far and, at the
end, the import's result and counts or the reason it failed. A run whose process
is gone, or that outlived its time, reads as failed.

A run belongs to the user who started it; admins see every run.
"""
from __future__ import annotations

from .jobs import (
    JOB_TIMEOUT,
    PROGRESS_STEPS,
    STOPPED,
    launch,
    run_import_job,
    runner_gone,
    this_runner,
)
from .runs import (
    confirm_preview,
    create_preview,
    importable_events,
    link_value,
    run_for,
    runs_of,
)
from .status import (
    STOP_GRACE,
    confirmation_of,
    error_of,
    report_workbook,
    result_of,
    state_of,
    status_of,
    stopped,
    summary_of,
)
from .storage import (
    ALLOWED_EXTENSIONS,
    DEFAULT_MAX_MB,
    EXPIRED,
    KEEP_DAYS,
    ImportSettings,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "DEFAULT_MAX_MB",
    "EXPIRED",
    "JOB_TIMEOUT",
    "KEEP_DAYS",
    "PROGRESS_STEPS",
    "STOPPED",
    "STOP_GRACE",
    "ImportSettings",
    "confirm_preview",
    "confirmation_of",
    "create_preview",
    "error_of",
    "importable_events",
    "launch",
    "link_value",
    "report_workbook",
    "result_of",
    "run_for",
    "run_import_job",
    "runner_gone",
    "runs_of",
    "state_of",
    "status_of",
    "stopped",
    "summary_of",
    "this_runner",
]
