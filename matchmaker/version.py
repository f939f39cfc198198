"""The release of Matchmaker (kept equal to ``version`` in setup.cfg)."""

__version__ = "0.1.0"
