"""The audit trail: who changed what."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import AuditLog


def record(session: Session, user_id: int | None, action: str, obj=None, object_type: str | None = None,
           object_id=None, **details) -> AuditLog:
    """Add an audit entry (the caller's transaction commits it with the change itself)."""
    entry = AuditLog(
        user_id=user_id, action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "-"),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "")) or None,
        details={k: v for k, v in details.items() if v is not None},
    )
    session.add(entry)
    return entry
