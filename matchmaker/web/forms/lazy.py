"""Text for form labels and messages, chosen when it is shown rather than when defined.

Form classes are built once at import time, but the language is the request's;
:func:`lazy_tr` defers :func:`matchmaker.i18n.tr` until the text is rendered.
"""
from __future__ import annotations

from ...i18n import tr

__all__ = ["LazyText", "lazy_tr"]


class LazyText:
    __slots__ = ("en", "zh")

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return tr(self.zh, self.en)

    def __html__(self) -> str:
        from markupsafe import escape
        return str(escape(str(self)))

    def __mod__(self, values) -> str:  # WTForms fills "%(min)d" style placeholders
        return str(self) % values

    def format(self, *args, **kwargs) -> str:
        return str(self).format(*args, **kwargs)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash((self.zh, self.en))

    def __repr__(self) -> str:
        return f"lazy_tr({self.zh!r}, {self.en!r})"


def lazy_tr(zh: str, en: str) -> LazyText:
    return LazyText(zh, en)
