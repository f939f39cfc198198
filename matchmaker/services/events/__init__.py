"""Matchmaking fairs, from registration to the day itself.

:mod:`.core` runs the fairs: settings, time slots, registration and who may
manage them; its names are re-exported here, so ``services.events`` reads as
the fair itself. :mod:`.admission` says whom organisers may register (a fuzzy
search within their region) and whether unverified organisations may take part.
:mod:`.requests` carries the meeting requests between buyers
and suppliers, :mod:`.suggestions` proposes whom to ask, :mod:`.schedule`
builds and publishes the 1:1 meeting schedule and :mod:`.jobs` runs that build
in the background, :mod:`.day` covers check-in and outcomes,
:mod:`.followup` each meeting's follow-up after the fair (intent to signed
contract, with reminders), :mod:`.exports` the agendas and spreadsheets
handed out, and :mod:`.agendas` the organisers' view of a schedule by participant
and by table.
"""
from __future__ import annotations

from . import core
from .core import *  # noqa: F403 - the fair's own names are the package's (see __all__)

__all__ = list(core.__all__)
