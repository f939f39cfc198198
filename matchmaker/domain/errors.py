"""Errors raised by the domain rules.

Every error is a :class:`DomainError`, itself a :class:`ValueError`, so callers
that only care about "the input was wrong" can catch one class, and callers that
want to react to one rule can catch its own subclass. Messages name the value
that was wrong and what would be accepted, in Chinese and English.
"""

__all__ = [
    "DomainError",
    "MissingMeasureError",
    "PaymentTermError",
    "SizeError",
    "UnknownIndustryError",
    "UsccError",
]


class DomainError(ValueError):
    """Base class of every error raised by :mod:`matchmaker.domain`."""


class UsccError(DomainError):
    """A unified social credit code could not be built from the given characters."""


class SizeError(DomainError):
    """An enterprise size could not be classified from the given figures."""


class UnknownIndustryError(SizeError):
    """The industry is not one of those of the size-classification standard.

    Attributes
    ----------
    industry : str
        The text that was given.
    known : tuple of str
        The canonical industry names that are accepted.
    """

    def __init__(self, industry, known):
        self.industry = industry
        self.known = tuple(known)
        super().__init__(
            f"未知行业 {industry!r}；可选行业：{'、'.join(self.known)} / "
            f"unknown industry {industry!r}; known industries: {', '.join(self.known)}"
        )


class MissingMeasureError(SizeError):
    """A figure that the industry's rule needs (employees, revenue or assets) is missing."""


class PaymentTermError(DomainError):
    """A payment term or buyer kind could not be checked."""
