"""Pure ranking engine: capabilities for demands and demands for capabilities.

No web framework, no database: records are plain dicts with the fields of
formats.md, the chain graph a :class:`networkx.DiGraph`.
"""

from matchmaker.matching.concepts import ConceptIndex
from matchmaker.matching.errors import (
    DuplicateRecordError,
    GlossaryError,
    InvalidRecordError,
    MatchingError,
    NotFittedError,
    UnknownRecordError,
)
from matchmaker.matching.glossary import Concept, Glossary, load_glossary
from matchmaker.matching.matcher import Match, Matcher

__all__ = [
    "Concept",
    "ConceptIndex",
    "DuplicateRecordError",
    "Glossary",
    "GlossaryError",
    "InvalidRecordError",
    "Match",
    "Matcher",
    "MatchingError",
    "NotFittedError",
    "UnknownRecordError",
    "load_glossary",
]
