"""What makes a password too easy to guess.

A password is refused when it is short, made of one or two repeated characters,
all (or nearly all) digits, one of the common passwords shipped in
``common_passwords.txt`` (compared case-insensitively, also after the digits,
separators and look-alike symbols people add to a common word are taken off:
``Password12``, ``p@ssw0rd!``, ``iloveyou 2024``), or when it contains the local
part of the account's e-mail address or the name of its enterprise.

The rules return problems as data (a ``kind`` and its figures); the words shown
to people are made where they are shown.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files

__all__ = ["MIN_LENGTH", "MAX_LENGTH", "MIN_LETTERS", "NAME_RUN", "PROBLEM_KINDS", "PasswordProblem", "password_problems",
           "is_common", "common_passwords"]

#: The shortest password accepted.
MIN_LENGTH = 10
#: The longest password accepted (hashing cost stays bounded).
MAX_LENGTH = 128
#: A password needs at least this many different characters other than digits and separators.
MIN_LETTERS = 3
#: Runs of this many characters of a Chinese enterprise name may not appear in a password.
NAME_RUN = 4
#: Every ``kind`` a :class:`PasswordProblem` can have.
PROBLEM_KINDS = ("too_short", "too_long", "repetitive", "digits", "common", "contains_email", "contains_name")

_SEPARATORS = re.compile(r"[\s\-_.·•,，。、/\\|+~]+")
_DIGITS = re.compile(r"\d+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# Symbols and digits written for the letters they look like.
_LOOK_ALIKE = (str.maketrans({"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "3": "e", "1": "i", "!": "i",
                              "7": "t", "9": "g"}),
               str.maketrans({"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "3": "e", "1": "l", "!": "l",
                              "7": "t", "9": "g"}))
# Legal-form endings taken off an enterprise's name before its parts are compared.
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "合伙企业", "厂",
                "co.,ltd.", "co.,ltd", "co.ltd", "coltd", "limited", "ltd", "inc", "corp", "corporation", "company",
                "group", "gmbh", "llc")


@dataclass(frozen=True)
class PasswordProblem:
    """One reason a password is refused.

    Attributes
    ----------
    kind : str
        One of :data:`PROBLEM_KINDS`.
    figures : dict
        What the message needs: ``minimum`` and ``length`` for ``too_short``,
        ``maximum`` for ``too_long``, ``minimum`` for ``digits``.
    """

    kind: str
    figures: dict = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, normalised (NFKC, case-folded)."""
    text = files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    entries = {_fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#")}
    # "password1" and "abc123" are listed; their stems are just as common with other digits.
    stems = {_EDGES.sub("", _DIGITS.sub("", entry)) for entry in entries}
    return frozenset(entries | {stem for stem in stems if len(stem) >= 3})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _compact(text: str) -> str:
    """Folded, without separators: how a name or a phrase is compared."""
    return _SEPARATORS.sub("", _fold(text))


def _variants(password: str) -> set[str]:
    """The password and what is left of it once the usual decorations are taken off."""
    folded = _fold(password)
    trimmed = _EDGES.sub("", folded)
    no_digits = _EDGES.sub("", _DIGITS.sub("", folded))
    found = {folded, trimmed, no_digits, _compact(folded), _compact(trimmed), _compact(no_digits)}
    for table in _LOOK_ALIKE:
        found |= {_compact(_EDGES.sub("", folded.translate(table))), _compact(trimmed.translate(table))}
    found.discard("")
    return found


def is_common(password: str) -> bool:
    """Whether ``password`` is a common password or a decorated form of one (see the module notes)."""
    common = common_passwords()
    return any(v in common for v in _variants(password))


def _email_parts(email: str | None) -> list[str]:
    local = _fold(email or "").partition("@")[0]
    parts = [p for p in _SEPARATORS.split(local) if len(p) >= 4]
    whole = _compact(local)
    return [whole, *parts] if len(whole) >= 4 else parts


def _is_cjk(text: str) -> bool:
    return any(ord(ch) > 0x2E80 for ch in text)


def _name_forms(name: str | None) -> list[str]:
    """The parts of an enterprise's name a password may not contain.

    A Chinese name runs place, trade name, trade and legal form (苏州 云帆 精密机械
    有限公司): every run of :data:`NAME_RUN` characters of it without the legal form
    counts, so the trade name is caught wherever it stands. A Latin name counts
    whole (without the legal form) and by its first word, usually the brand.
    """
    compact = _compact(name or "")
    core = compact
    for ending in _LEGAL_FORMS:
        if compact.endswith(ending) and len(compact) > len(ending):
            core = compact[: -len(ending)]
            break
    if _is_cjk(core):
        if len(core) <= NAME_RUN:
            return [core] if len(core) >= 2 else []
        return [core[i:i + NAME_RUN] for i in range(len(core) - NAME_RUN + 1)]
    first_word = _SEPARATORS.split(_fold(name or ""))[0]
    return [form for form in {compact, core, first_word} if len(form) >= 4]


def password_problems(password: str, *, email: str | None = None, names: Iterable[str | None] = ()
                      ) -> list[PasswordProblem]:
    """Why ``password`` is refused; an empty list when it is fine.

    Parameters
    ----------
    password : str
        The password as typed.
    email : str, optional
        The account's e-mail address: its local part may not appear in the password.
    names : iterable of str, optional
        Names the password may not contain: the enterprise's (or organisation's) name.

    Returns
    -------
    list of PasswordProblem
        In the order the rules are listed in :data:`PROBLEM_KINDS`.
    """
    password = password or ""
    problems: list[PasswordProblem] = []
    if len(password) < MIN_LENGTH:
        problems.append(PasswordProblem("too_short", {"minimum": MIN_LENGTH, "length": len(password)}))
    if len(password) > MAX_LENGTH:
        problems.append(PasswordProblem("too_long", {"maximum": MAX_LENGTH}))
        return problems
    if not password:
        return problems
    if len(set(password)) < 3:
        problems.append(PasswordProblem("repetitive"))
    elif len(set(_DIGITS.sub("", _compact(password)))) < MIN_LETTERS:
        problems.append(PasswordProblem("digits", {"minimum": MIN_LETTERS}))
    elif is_common(password):
        problems.append(PasswordProblem("common"))
    compact = _compact(password)
    if any(part in compact for part in _email_parts(email)):
        problems.append(PasswordProblem("contains_email"))
    if any(form in compact for name in names for form in _name_forms(name)):
        problems.append(PasswordProblem("contains_name"))
    return problems
