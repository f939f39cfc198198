"""Organisation verification: where an organisation stands, and what approving, refusing,
withdrawing and a member's edits do to it.

The platform verifies an organisation's name against its credit code. An organisation is
*verified*, *pending* (waiting in the admins' queue) or *rejected* (refused with a reason it
is shown). The name checked is kept as ``verified_name``: a member who renames a verified
organisation (after confirming it) puts it back in the queue, and renaming it back to the
checked name before any refusal restores the verification. A rejected organisation that
saves its profile again is pending again; the last reason stays as history until an approval.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_

from ..models import Enterprise

__all__ = ["STATES", "REASON_MAX_LENGTH", "state", "state_clause", "renamed_since_check", "needs_rename_confirmation",
           "clean_reason", "mark_verified", "mark_rejected", "mark_withdrawn", "after_member_edit"]

#: The states of the admins' list, in the order of its filter.
STATES = ("pending", "rejected", "verified")
#: Longest reason for a refusal the organisation is shown.
REASON_MAX_LENGTH = 500


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def state(ent: Enterprise) -> str:
    """'verified', 'rejected' (refused, not yet edited since) or 'pending' (waiting for an admin)."""
    if ent.verified:
        return "verified"
    return "rejected" if ent.verification_rejected_at is not None else "pending"


def state_clause(status: str | None):
    """A where-clause keeping the organisations in ``status`` (one of :data:`STATES`), or None for all."""
    if status == "verified":
        return Enterprise.verified.is_(True)
    if status == "rejected":
        return and_(Enterprise.verified.is_(False), Enterprise.verification_rejected_at.is_not(None))
    if status == "pending":
        return and_(Enterprise.verified.is_(False), Enterprise.verification_rejected_at.is_(None))
    return None


def renamed_since_check(ent: Enterprise) -> bool:
    """Not verified (any more) and bearing another name than the one the platform checked, with no refusal
    since (after a refusal the platform's last word on that name is the refusal, not the check)."""
    return (not ent.verified and bool(ent.verified_name) and ent.verified_name != ent.name
            and ent.verification_note is None and ent.verification_rejected_at is None)


def needs_rename_confirmation(ent: Enterprise, new_name: str, actor) -> bool:
    """Whether renaming ``ent`` to ``new_name`` lifts a verification, so its member must confirm it first.

    Admins correct names without lifting the verification, so they confirm nothing.
    """
    return bool(ent.verified and new_name != ent.name and not getattr(actor, "is_admin", False))


def clean_reason(reason: str | None) -> str | None:
    """The reason for a refusal, tidied; None when it is blank or too long (the caller says which)."""
    text = "\n".join(line.strip() for line in (reason or "").strip().splitlines()).strip()
    return text if text and len(text) <= REASON_MAX_LENGTH else None


def mark_verified(ent: Enterprise) -> None:
    """Verified under its present name; a former refusal is settled."""
    ent.verified, ent.verified_at = True, _utcnow()
    ent.verified_name = ent.name
    ent.verification_note, ent.verification_rejected_at = None, None


def mark_rejected(ent: Enterprise, reason: str) -> None:
    """Refused for ``reason`` (shown to the organisation). The name last checked stays on record for the
    admins, but renaming back to it no longer restores anything: the refusal has to be answered."""
    ent.verified, ent.verified_at = False, None
    ent.verification_note, ent.verification_rejected_at = reason, _utcnow()


def mark_withdrawn(ent: Enterprise) -> None:
    """No longer verified: the platform no longer vouches for any name of it."""
    ent.verified, ent.verified_at, ent.verified_name = False, None, None


def after_member_edit(ent: Enterprise, old_name: str, actor) -> str | None:
    """Apply what an accepted edit of ``ent`` (already renamed, if at all) does to its verification.

    Returns what happened: 'lifted' (a verified organisation was renamed by a member and waits for a
    new check), 'restored' (renamed back to the name checked, before any refusal), 'resubmitted'
    (a refused organisation saved its details again and is back in the queue), 'renamed' (an admin
    corrected a verified name, which stays verified under it) or None.
    """
    renamed = ent.name != old_name
    is_admin = getattr(actor, "is_admin", False)
    if ent.verified:
        if not renamed:
            return None
        if is_admin:
            ent.verified_name = ent.name
            return "renamed"
        ent.verified_name = old_name  # the name it was verified under until now
        ent.verified, ent.verified_at = False, None
        return "lifted"
    if (renamed and ent.verified_name and ent.name == ent.verified_name and ent.verification_note is None
            and ent.verification_rejected_at is None):
        ent.verified, ent.verified_at = True, _utcnow()
        return "restored"
    if ent.verification_rejected_at is not None and not is_admin:
        ent.verification_rejected_at = None
        return "resubmitted"
    return None
