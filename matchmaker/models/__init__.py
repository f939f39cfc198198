"""Typed SQLAlchemy models, one module per aggregate."""
from .audit import AuditLog
from .chain import ChainGraph
from .enterprise import Enterprise, Qualification
from .event import Event, EventParticipant, Meeting, MeetingRequest
from .import_run import ImportRun as ImportRun
from .posting import Application, Attachment, Capability, Demand
from .resource import OpenResource, ResourceRequest
from .search import SearchEntry
from .user import ApiToken, Notification, PasswordResetToken, User

__all__ = [
    "ApiToken", "Application", "Attachment", "AuditLog", "Capability", "ChainGraph", "Demand", "Enterprise",
    "Event", "EventParticipant", "Meeting", "MeetingRequest", "Notification", "OpenResource",
    "PasswordResetToken", "Qualification", "ResourceRequest", "SearchEntry", "User",
]
