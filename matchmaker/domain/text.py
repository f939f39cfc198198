"""Text normalisation and tokenisation for Chinese, English and mixed postings.

Postings arrive in simplified Chinese, traditional Chinese (Taiwan and Hong Kong
usage), English, or a mix, typed with full-width or half-width characters.
:func:`normalize` maps all of these onto one canonical form so that the same
words written differently compare equal, and :func:`tokenize` cuts the
canonical form into the tokens the ranking engine indexes:

* CJK character bigrams (a run of one CJK character gives that character),
  with a single Latin letter glued to a following CJK run (``n型``, ``p型``);
* Latin words, case-folded, with light plural folding (``trackers`` ->
  ``tracker``, ``batteries`` -> ``battery``);
* numbers with their unit kept as one token (``200wh/kg``, ``25.8%``,
  ``182.2×183.75mm``, ``62817``).

Both functions are written for throughput: the engine runs them on up to a
million postings, so :func:`normalize_many` converts a whole batch in one
OpenCC call.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "CJK_CLASS",
    "LATIN_TOKEN_RE",
    "digit_table",
    "normalize",
    "normalize_many",
    "stem",
    "tokenize",
]

#: Character class of the CJK ideographs that form bigrams.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# "10¹⁵" means 10^15; NFKC alone would turn it into the number 1015.
_EXPONENT_RE = re.compile(r"(?<=\d)([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
# Dashes and the minus sign all mean "-" in specs ("450–500g/m²", "−20℃").
# str.replace is much faster than str.translate on non-ASCII text.
_DASHES = (("–", "-"), ("—", "-"), ("−", "-"), ("‐", "-"), ("‑", "-"), ("‒", "-"), ("〜", "~"),
           ("\r", " "), ("\t", " "))
_SPACE_RE = re.compile(r"[^\S\n]+")
_UNITS = (
    "%|‰|°c|°f|°|"
    "nm|μm|um|mm|cm|km|m|mil|inch|in|"
    "mg|kg|g|t|"
    "mwh|gwh|kwh|wh|gw|mw|kw|w|"
    "kv|mv|v|ma|a|mah|ah|"
    "ghz|mhz|khz|hz|"
    "mpa|kpa|pa|bar|psi|"
    "ppm|ppb|"
    "ms|μs|ns|s|min|h|"
    "ml|l|rpm|dbm|db|hp|ps|kn|n|lm|lx|ω|mω|kω|k"
)


@functools.lru_cache(maxsize=1)
def _converter():
    import opencc

    # tw2sp rather than plain t2s: it also maps Taiwan/Hong Kong vocabulary
    # (矽 -> 硅, 感測器 -> 传感器, 模組 -> 模块, 積體電路 -> 集成电路), which
    # plain character conversion leaves apart.
    return opencc.OpenCC("tw2sp")


@functools.lru_cache(maxsize=1)
def _traditional():
    """Regex finding a character that the conversion changes.

    Most postings are already simplified; checking for such a character is
    much cheaper than converting, so text without one skips OpenCC.
    """
    chars = [chr(c) for r in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
             for c in range(*r)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    changed = [c for c, d in zip(chars, converted) if c != d]
    return re.compile("[" + "".join(changed) + "]")


def _finish(text: str) -> str:
    """Everything but the OpenCC conversion, on one text or a batch joined by newlines."""
    for old, new in _DASHES:
        if old in text:
            text = text.replace(old, new)
    found = _scan_chars(text)
    if found.exponent:  # before NFKC, which turns "10¹⁵" into "1015"
        text = _EXPONENT_RE.sub(_exponent, text)
        found = _scan_chars(text)
    # NFKC of long CJK text is slow in unicodedata. Replacing each character
    # that NFKC changes by its NFKC form gives the same result (the
    # compatibility decomposition does not change), so only text still not
    # normalised after that (combining marks) goes through unicodedata.
    for ch in found.changing:
        text = text.replace(ch, _nfkc_char(ch))
    other_space, fold = found.other_space, found.fold
    if not unicodedata.is_normalized("NFKC", text):
        text = "\n".join(p if unicodedata.is_normalized("NFKC", p)
                         else unicodedata.normalize("NFKC", p) for p in text.split("\n"))
        other_space = fold = True
    replaced = "".join(_nfkc_char(ch) for ch in found.changing)
    # casefold() is lower() but for a few characters (ß, ς...); lower() is faster.
    fold = fold or _FOLD_RE.search(replaced) is not None
    text = text.casefold() if fold else text.lower()
    # After NFKC, white space is mostly plain spaces: only runs need collapsing.
    if other_space or _OTHER_SPACE.search(replaced):
        text = _SPACE_RE.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    if _HAS_DIGIT.search(text):
        text = _glue_numbers(text)
    return text


class _Found:
    __slots__ = ("changing", "exponent", "fold", "other_space")


def _scan_chars(text: str) -> _Found:
    """What a text holds that needs work: the characters NFKC changes,
    superscript digits, white space other than spaces and newlines, and
    characters whose case folding differs from lower case.

    A long text is looked up as an array of code points in tables, which is
    many times faster than regular expressions over it.
    """
    out = _Found()
    if len(text) < 2048:
        out.changing = set(_nfkc_changing().findall(text))
        out.exponent = _HAS_EXPONENT.search(text) is not None
        out.other_space = _OTHER_SPACE.search(text) is not None
        out.fold = _FOLD_RE.search(text) is not None
        return out
    import numpy as np

    table = _char_tables()
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    kinds = table[np.minimum(cp, 0xFFFF)]
    # Astral characters are left to the is_normalized check, and are case-folded.
    kinds[cp > 0xFFFF] = _FOLD
    seen = int(np.bitwise_or.reduce(kinds)) if len(kinds) else 0
    out.changing = ({chr(c) for c in np.unique(cp[(kinds & _NFKC) != 0]).tolist()}
                    if seen & _NFKC else set())
    out.exponent = bool(seen & _EXPONENT)
    out.other_space = bool(seen & _SPACE)
    out.fold = bool(seen & _FOLD)
    return out


_NFKC, _EXPONENT, _SPACE, _FOLD = 1, 2, 4, 8


def _glue_numbers(text: str) -> str:
    """``_NUMBER_GLUE_RE.sub(_glue, text)``, trying the pattern only where it can match.

    A match is a digit followed by ``,``, a space, ``×``, ``x`` or ``*``; in a
    long text such places are few, and are found as code points.
    """
    if len(text) < 2048:
        return _NUMBER_GLUE_RE.sub(_glue, text)
    import numpy as np

    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    digits, glue = digit_table(), _glue_table()
    places = np.flatnonzero(digits[cp[:-1]] & glue[np.minimum(cp[1:], 0xFF)]).tolist()
    pieces, last, match = [], 0, _NUMBER_GLUE_RE.match
    for p in places:
        if p < last:
            continue
        m = match(text, p)
        if m:
            pieces.append(text[last:p])
            pieces.append(_glue(m))
            last = m.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


@functools.lru_cache(maxsize=1)
def digit_table():
    """Which code points the regular expression ``\\d`` matches, as a boolean table
    over all of them (a read-only array)."""
    import numpy as np

    digits = np.zeros(0x110000, dtype=bool)
    everything = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    digits[[m.start() for m in re.finditer(r"\d", everything)]] = True
    digits.flags.writeable = False
    return digits


@functools.lru_cache(maxsize=1)
def _glue_table():
    import numpy as np

    glue = np.zeros(0x100, dtype=bool)
    glue[[ord(c) for c in ", x*\u00d7"]] = True
    return glue


@functools.lru_cache(maxsize=1)
def _char_tables():
    """What each character of the Basic Multilingual Plane needs (bits of ``_NFKC``...)."""
    import numpy as np

    table = np.zeros(0x10000, dtype=np.uint8)
    table[[ord(c) for c in _nfkc_chars()]] |= _NFKC
    table[[ord(c) for c in "⁰¹²³⁴⁵⁶⁷⁸⁹"]] |= _EXPONENT
    table[[c for c in range(0x10000) if _OTHER_SPACE.match(chr(c))]] |= _SPACE
    table[[ord(c) for c in _fold_chars()]] |= _FOLD
    return table


@functools.lru_cache(maxsize=1)
def _fold_chars():
    """Characters of the Basic Multilingual Plane whose case folding is not their lower case
    (characters beyond it are always case-folded)."""
    bmp = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000 and c != 0x0A]
    folded = "\n".join(bmp).casefold().split("\n")
    lowered = "\n".join(bmp).lower().split("\n")
    chars = [c for c, f, w in zip(bmp, folded, lowered) if f != w]
    return chars + ["Σ"]  # lower() depends on context for it (final sigma)


class _FoldPattern:
    """Regex of the characters whose case folding is not their lower case (built on first use)."""

    def search(self, text):
        return _fold_re().search(text)


@functools.lru_cache(maxsize=1)
def _fold_re():
    return re.compile("[" + "".join(re.escape(c) for c in _fold_chars())
                      + "\U00010000-\U0010ffff]")


_FOLD_RE = _FoldPattern()


@functools.lru_cache(maxsize=1)
def _nfkc_chars():
    return [chr(c) for c in range(0x80, 0x10000)
            if not 0xD800 <= c < 0xE000 and unicodedata.normalize("NFKC", chr(c)) != chr(c)]


@functools.lru_cache(maxsize=1)
def _nfkc_changing():
    """Regex of the characters of the Basic Multilingual Plane that NFKC changes."""
    return re.compile("[" + "".join(re.escape(c) for c in _nfkc_chars()) + "]")


_HAS_EXPONENT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]")
_OTHER_SPACE = re.compile(r"[^\S \n]")
_HAS_DIGIT = re.compile(r"\d")
# After a digit: a thousands separator ("10,000"), a times sign ("182.2 × 183.75"),
# or a space before a unit ("25.9 %", "1500 V").
_NUMBER_GLUE_RE = re.compile(
    r"(\d)(?:(,)(?=\d{3}(?!\d))|( ?[×x*] ?)(?=\d)|( )(?=(?:" + _UNITS + r")(?![a-z0-9])))")


@functools.cache
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def _glue(m: re.Match) -> str:
    return m.group(1) + ("×" if m.group(3) is not None else "")


def _exponent(m: re.Match) -> str:
    return "^" + m.group(1).translate(_SUPERSCRIPTS)


def normalize(text: str | None) -> str:
    """Return the canonical form of a posting text.

    Traditional Chinese becomes simplified (with Taiwan/Hong Kong vocabulary
    mapped to mainland usage), full-width characters become half-width
    (Unicode NFKC), letters are case-folded, runs of white space collapse to
    one space, and numbers keep their units (``25.9 %`` -> ``25.9%``,
    ``182.2 × 183.75 mm`` -> ``182.2×183.75mm``, ``10¹⁵`` -> ``10^15``).

    Parameters
    ----------
    text : str or None
        Any posting text. ``None`` gives ``""``.

    Returns
    -------
    str
        The canonical text, stripped of leading and trailing white space.

    Examples
    --------
    >>> normalize("Ｎ型ＴＯＰＣｏｎ電池片，效率≥２５．８％")
    'n型topcon电池片,效率≥25.8%'
    """
    if not text:
        return ""
    return normalize_many([text])[0]


def normalize_many(texts) -> list[str]:
    """Normalise many texts at once; same result as ``[normalize(t) for t in texts]``.

    Work is done on whole batches (one OpenCC call, one Unicode
    normalisation per batch), which is several times faster than text by text.
    """
    out: list[str] = []
    step = 4096  # bounded batches keep the joined strings small
    texts = list(texts)
    trad = _traditional().search
    convert = _converter().convert
    for start in range(0, len(texts), step):
        chunk = [t.replace("\n", " ") if t else "" for t in texts[start:start + step]]
        todo = [i for i, t in enumerate(chunk) if trad(t)]
        if todo:
            converted = convert("\n".join([chunk[i] for i in todo])).split("\n")
            for i, t in zip(todo, converted):
                chunk[i] = t
        out.extend(part.strip() for part in _finish("\n".join(chunk)).split("\n"))
    return out


_FACTOR = r"\d+(?:\.\d+)?(?:\^-?\d+)?"
_NUMBER = _FACTOR + r"(?:×" + _FACTOR + r")*"
_CJK_RUN = (r"(?P<cjk>(?:(?<![a-z0-9])[a-z](?=[" + CJK_CLASS + r"]))?[" + CJK_CLASS + r"]+)")
# number with optional unit (the unit may be compound: "w/m·k", "g/m2", "mg/w")
_NUM = (r"(?P<num>" + _NUMBER + r"(?:(?:" + _UNITS + r")(?:[/·](?:" + _UNITS
        + r")\d?)*)?(?![a-z0-9]|\.\d))")
# Latin word (may hold digits: "ip66", "0bb", "q100", "2.5d")
_WORD = r"(?P<word>\d*(?:\.\d+)?[a-z][a-z0-9]*)"
# A CJK run may be led by one Latin letter ("n型"); otherwise numbers, then words.
_TOKEN_RE = re.compile(_CJK_RUN + "|" + _NUM + "|" + _WORD)
#: Numbers with units and Latin words, the non-CJK tokens of :func:`tokenize`
#: (groups ``num`` and ``word``).
LATIN_TOKEN_RE = re.compile("(?=[0-9a-z.])(?:" + _NUM + "|" + _WORD + ")")
_STEM_EXCEPT = frozenset({"ss", "us", "is", "os", "as", "ys"})


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Fold an English plural onto its singular (light stemming).

    ``cells`` -> ``cell``, ``batteries`` -> ``battery``, ``boxes`` -> ``box``;
    words of three letters or fewer, and ``-ss``/``-us``/``-is`` endings, stay.
    """
    n = len(word)
    if n <= 3 or word[-1] != "s" or word[-2:] in _STEM_EXCEPT:
        return word
    if word.endswith("ies") and n > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


def tokenize(text: str, *, normalized: bool = False) -> list[str]:
    """Cut a text into index tokens.

    Parameters
    ----------
    text : str
        Raw or already normalised text.
    normalized : bool, default False
        Skip :func:`normalize` when the caller already did it.

    Returns
    -------
    list of str
        CJK bigrams (single characters for one-character runs), Latin words
        (plural-folded), and numbers with units, in text order.

    Examples
    --------
    >>> tokenize("N型TOPCon電池片 25.8%")
    ['n型', 'topcon', '电池', '池片', '25.8%']
    """
    if not normalized:
        text = normalize(text)
    out: list[str] = []
    append = out.append
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        tok = m.group()
        if kind == "cjk":
            n = len(tok)
            if n == 1:
                append(tok)
            else:
                out.extend([tok[i:i + 2] for i in range(n - 1)])
        elif kind == "word":
            if len(tok) > 1:
                append(stem(tok))
        else:
            append(tok)
    return out
