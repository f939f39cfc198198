"""Matchmaker: a supply-chain matchmaking platform for large enterprises and SMEs."""
from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "create_app"]


def __getattr__(name: str):
    # The factory is loaded on first use, so the pure packages (matchmaker.matching,
    # .scheduling, .domain, .io) import without the web stack.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
