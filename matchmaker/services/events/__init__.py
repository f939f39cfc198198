"""Matchmaking fairs, from registration to the day itself.

:mod:`.core` runs the fairs: settings, time slots, registration and who may
manage them; its names are re-exported here, so ``services.events`` reads as
the fair itself. :mod:`.requests` carries the meeting requests between buyers
and suppliers, :mod:`.suggestions` proposes whom to ask, :mod:`.schedule`
builds and publishes the 1:1 meeting schedule and :mod:`.jobs` runs that build
in the background, :mod:`.day` covers check-in and outcomes,
:mod:`.followup` each meeting's follow-up after the fair (intent to signed
contract, with reminders), and :mod:`.exports` the agendas and spreadsheets
handed out.
"""
from __future__ import annotations

from . import core
from .core import *  # noqa: F403 - the fair's own names are the package's (see __all__)

__all__ = list(core.__all__)
