"""Postings: demands, capabilities and open resources, in what they have in common.

:mod:`.fields` cleans and filters the fields every posting has (region, chain
nodes, qualifications, amounts); :mod:`.notices` tells an enterprise what happened
to its postings; :mod:`.overview` counts what is open for the home page and the API.
Each kind's own rules stay in :mod:`matchmaker.services.demands`,
:mod:`~matchmaker.services.capabilities` and :mod:`~matchmaker.services.resources`.
"""
from __future__ import annotations

from .overview import home_overview

__all__ = ["home_overview"]
