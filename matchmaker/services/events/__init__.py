"""Matchmaking fairs, from registration to the day itself.

:mod:`.core` runs the fairs: settings, time slots, registration and who may
manage them; its names are re-exported here, so ``services.events`` reads as
the fair itself. :mod:`.requests` carries the meeting requests between buyers
and suppliers, :mod:`.suggestions` proposes whom to ask, :mod:`.schedule`
builds and publishes the 1:1 meeting schedule and :mod:`.jobs` runs that build
in the background, :mod:`.day` covers check-in and outcomes, and
:mod:`.exports` the agendas and spreadsheets handed out.
"""
from __future__ import annotations

from .core import (
    EVENT_TZ,
    EventData,
    assign_table,
    can_manage,
    create_event,
    event_counts,
    event_for,
    find_enterprise,
    list_events,
    manageable,
    parse_breaks,
    participant_for,
    participant_of,
    participants_overview,
    register,
    registration_open,
    review_participant,
    set_availability,
    set_status,
    today,
    update_event,
    withdraw,
)

__all__ = [
    "EVENT_TZ",
    "EventData",
    "assign_table",
    "can_manage",
    "create_event",
    "event_counts",
    "event_for",
    "find_enterprise",
    "list_events",
    "manageable",
    "parse_breaks",
    "participant_for",
    "participant_of",
    "participants_overview",
    "register",
    "registration_open",
    "review_participant",
    "set_availability",
    "set_status",
    "today",
    "update_event",
    "withdraw",
]
