"""Standards with codes (ISO 9001, AS9100D, GJB 9001C): their keys, editions and successors.

* A key names a standard's family (``ISO 9001``, ``AS 9100``) or one edition of
  it (``ISO 9001:2015``, ``AS 9100D``). Editions are known for the families in
  ``_EDITIONS`` (years of publication) and for revision-lettered AS/GJB standards
  (letters in order; ``_REVISIONS`` gives their years where known).
* A year is read as the edition in force in that year (``ISO 9001:2010`` is the
  2008 edition); years after ``_EDITIONS_CHECKED`` are kept, as they may name an
  edition published since. Where only one edition exists (IATF 16949:2016) the
  year says nothing and is dropped, as is the year of a standard whose editions
  are not known here.
* Identical national adoptions share the key of the international standard
  (GB/T 19001-2016 IDT ISO 9001:2015, GB/T 45001-2020 IDT ISO 45001:2018).
* Superseded standards: ISO/TS 16949 → IATF 16949 (IATF, transition ended 14
  September 2018), OHSAS 18001 → ISO 45001 (IAF MD 21:2018), GB/T 28001-2011 →
  GB/T 45001-2020, and each edition → the edition in force.

Used by :mod:`matchmaker.domain.qualifications`.
"""

import functools
import re

__all__ = ["IMPLIES", "current", "edition", "name", "standard_key", "successor"]

#: Editions (years of publication, oldest first) of the standards whose family is
#: known; the last one is in force. Checked against ISO's catalogue up to the end of:
_EDITIONS_CHECKED = 2025
_EDITIONS = {
    "ISO 9001": (1987, 1994, 2000, 2008, 2015),
    "ISO 14001": (1996, 2004, 2015),
    "ISO 45001": (2018,),
    "ISO 13485": (1996, 2003, 2016),
    "ISO 27001": (2005, 2013, 2022),
    "ISO 22000": (2005, 2018),
    "ISO 50001": (2011, 2018),
    "ISO 17025": (1999, 2005, 2017),
    "ISO 20000-1": (2005, 2011, 2018),
    "IATF 16949": (2016,),
}
#: Revision letters with their years, for the lettered standards whose history is
#: known; the last one is in force. Other AS/GJB standards order by letter.
_REVISIONS = {
    "AS 9100": (("A", 2001), ("B", 2004), ("C", 2009), ("D", 2016)),
    "AS 9110": (("C", 2016),),
    "AS 9120": (("B", 2016),),
    "GJB 9001": (("A", 2001), ("B", 2009), ("C", 2017)),
}
_LETTERED = ("AS", "GJB")
#: EN 9100 is the European publication of the IAQG 9100 standard (= AS9100).
_EN_9100 = ((2009, "C"), (2016, "D"))
#: Identical national adoptions: (international family, {national year: edition year}).
_ADOPTIONS = {
    "GB/T 19001": ("ISO 9001", {2000: 2000, 2008: 2008, 2016: 2015}),
    "GB/T 24001": ("ISO 14001", {1996: 1996, 2004: 2004, 2016: 2015}),
    "GB/T 45001": ("ISO 45001", {2020: 2018}),
    "GB/T 22080": ("ISO 27001", {2008: 2005, 2016: 2013, 2025: 2022}),
    "GB/T 42061": ("ISO 13485", {2022: 2016}),
    "YY/T 0287": ("ISO 13485", {2003: 2003, 2017: 2016}),
}
#: Standards replaced by another one (the successor's name as people know it).
_SUCCESSORS = {"ISO/TS 16949": "IATF 16949", "OHSAS 18001": "ISO 45001", "GB/T 28001": "GB/T 45001"}

#: What holding a standard implies: a successor meets a requirement of what it
#: replaced; GB/T 28001-2011 is an identical adoption of OHSAS 18001:2007.
IMPLIES = {
    "IATF 16949": frozenset({"ISO/TS 16949"}),
    "ISO 45001": frozenset({"OHSAS 18001", "GB/T 28001"}),
    "OHSAS 18001": frozenset({"GB/T 28001"}),
    "GB/T 28001": frozenset({"OHSAS 18001"}),
}

_SEP = r"[\s\-_.·:：,，]"  # the separators loose comparison ignores
_STANDARD = re.compile(
    r"^(?P<org>ISO/IEC|ISO/TS|IATF|ISO|IEC|GB/T|GB|YY/T|GJB|EN|UL|OHSAS|SA|AS|ASTM|JIS|TS)"
    rf"{_SEP}*(?P<num>\d{{2,6}})"
    r"(?P<part>-(?!(?:19|20)\d{2}\b)\d{1,3})?"
    rf"(?:{_SEP}*(?:REV{_SEP}*)?(?P<rev>[A-H])(?![A-Z]))?"
    rf"(?:{_SEP}+(?P<year>(?:19|20)\d{{2}})(?!\d))?"
    r"(?P<rest>.*)$"
)
_KEY = re.compile(r"^(?P<family>.+?)(?::(?P<year>\d{4})|(?<=\d)(?P<rev>[A-H]))?$")
_NOISE_EN = re.compile(
    r"\b(certification|certified|certificate|cert|quality management system|"
    r"management system|system|qms|ems|standard)\b"
)


def _in_force(editions, year):
    """The last of ``(year, edition)`` pairs published by `year`, or None."""
    found = None
    for published, ed in editions:
        if published <= year:
            found = ed
    return found


def standard_key(text):
    """Key of a standard's code in a cleaned name (``'ISO 9001:2015'``), or None if it is none."""
    match = _STANDARD.match(text.upper())
    if match is None:
        return None
    rest = match["rest"].strip()
    # Trailing words such as 质量管理体系认证 or "certification" do not change which
    # standard is meant; anything else (another code, a letter) means it is not one.
    if rest and re.search(r"[A-Z0-9]", _NOISE_EN.sub("", rest.lower()).upper()):
        return None
    org = {"ISO/IEC": "ISO", "TS": "ISO/TS"}.get(match["org"], match["org"])
    rev, year = match["rev"], int(match["year"]) if match["year"] else None
    if rev and org not in _LETTERED:
        return None
    family = f"{org} {match['num']}{match['part'] or ''}"
    if family == "EN 9100":
        family = "AS 9100"
        rev = rev or (_in_force(_EN_9100, year) if year else None)
        year = None
    if family in _ADOPTIONS:
        family, years = _ADOPTIONS[family]
        year = _in_force(sorted(years.items()), year) if year else None
    return _edition_key(family, rev, year)


def _edition_key(family, rev, year):
    if family.split(" ", 1)[0] in _LETTERED:
        if not rev and year and family in _REVISIONS:
            rev = _in_force([(y, r) for r, y in _REVISIONS[family]], year)
        return f"{family}{rev or ''}"
    editions = _EDITIONS.get(family)
    if not editions or not year:
        return family
    if year <= _EDITIONS_CHECKED:
        year = _in_force([(y, y) for y in editions], year)
    if year is None or editions == (year,):
        return family
    return f"{family}:{year}"


@functools.lru_cache(maxsize=4096)
def edition(key):
    """``(family, rank)`` of a key whose editions compare (rank None for the family
    itself, a year or a letter's code point otherwise); None for other keys."""
    match = _KEY.match(key)
    family = match["family"]
    if match["year"] and family in _EDITIONS:
        return family, int(match["year"])
    if family.split(" ", 1)[0] in _LETTERED and re.fullmatch(r"[A-Z]+ \d+(?:-\d+)?", family):
        return family, (ord(match["rev"]) if match["rev"] else None)
    if key in _EDITIONS:
        return key, None
    return None


def current(family):
    """Rank of the edition in force of a family, None when not known."""
    if family in _EDITIONS:
        return _EDITIONS[family][-1]
    if family in _REVISIONS:
        return ord(_REVISIONS[family][-1][0])
    return None


def name(key):
    """How a standard's key is written (SAE writes ``AS9100D``)."""
    found = edition(key)
    if found is not None and found[0].startswith("AS "):
        return key.replace(" ", "", 1)
    return key


def successor(key):
    """Name of the standard or edition that replaced `key`, or None when it is in force."""
    if key in _SUCCESSORS:
        return _SUCCESSORS[key]
    found = edition(key)
    if found is None or found[1] is None:
        return None
    family, rank = found
    now = current(family)
    if now is None or rank >= now:
        return None
    if family in _EDITIONS:
        return f"{family}:{now}"
    return name(f"{family}{chr(now)}")
