"""Typed errors raised by the industrial-chain package.

Every error derives from :class:`ChainError`, itself a :class:`ValueError`, so a
caller can catch one class for "the chain data or a chain query is wrong".
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ChainError",
    "ChainProblem",
    "ChainValidationError",
    "UnknownChainError",
    "UnknownNodeError",
]


class ChainError(ValueError):
    """Base class of every error raised by :mod:`graph`."""


@dataclass(frozen=True)
class ChainProblem:
    """One problem found while validating a chain document.

    Attributes
    ----------
    kind : str
        Machine-readable category, e.g. ``"json"``, ``"missing_field"``,
        ``"duplicate_node"``, ``"duplicate_chain"``, ``"unknown_stage"``,
        ``"bad_edge"``, ``"unknown_edge_kind"``, ``"unknown_node"``,
        ``"self_loop"``, ``"cycle"``, ``"bad_keywords"``, ``"bad_type"``,
        ``"duplicate_edge"``.
    message : str
        A sentence a person can act on; it names the place of the problem.
    location : str
        Where the problem is, e.g. ``"chains[0].nodes[3]"`` or
        ``"line 4, column 7"``; ``""`` for the document as a whole.
    """

    kind: str
    message: str
    location: str = ""

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ChainValidationError(ChainError):
    """A chain document has one or more problems.

    Attributes
    ----------
    problems : list of ChainProblem
        Every problem found, in document order; the message lists them all.
    """

    def __init__(self, problems, source: str | None = None):
        self.problems = list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the chain data{where}:"
        lines = [head] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownNodeError(ChainError):
    """A node id is not in the chain graph.

    Attributes
    ----------
    node : str
        The id that was asked for.
    """

    def __init__(self, node, hint: str = ""):
        self.node = node
        message = f"unknown chain node {node!r}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class UnknownChainError(ChainError):
    """A chain id is not in the chain graph.

    Attributes
    ----------
    chain : str
        The id that was asked for.
    """

    def __init__(self, chain, known=()):
        self.chain = chain
        message = f"unknown chain {chain!r}"
        known = list(known)
        if known:
            message += "; known chains: " + ", ".join(known)
        super().__init__(message)
