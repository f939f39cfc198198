"""Qualifications and certifications (资质认证): comparable keys, and when a requirement is met.

The same certificate is written many ways: ``IATF16949``, ``IATF 16949``,
``iatf-16949``, ``ＩＳＯ９００１：２０１５``, ``ISO 9001质量管理体系认证``,
``GJB-9001C``, ``專精特新``, ``国家级专精特新“小巨人”企业``.
:func:`normalize_qualification` maps each to one canonical key,
:func:`qualification_set` adds what holding a qualification implies,
:func:`meets` tells whether requirements are met and :func:`missing` which are
not. The matching engine's hard filter and the site call the same
:func:`meets`, so a supplier is never listed for a demand it does not qualify for.

Rules
-----
Quality SMEs (优质中小企业; names read in :mod:`matchmaker.domain._sme_tiers`),
《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号):
three tiers, 创新型中小企业 (evaluated by the provincial SME authority) →
专精特新中小企业 (认定 by the provincial SME authority; the plan cities 大连, 青岛,
宁波, 厦门, 深圳 and 新疆生产建设兵团 act as provincial authorities) →
专精特新“小巨人”企业 (认定 by 工业和信息化部, hence national by definition). A
higher tier meets a requirement of a lower one, never the reverse:

* ``专精特新`` without a level (or 省级) is the provincial tier; ``国家级专精特新``
  is the 小巨人 tier. A provincial list that calls its members 小巨人 is still a
  provincial list.
* City and district/county lists (市级, 区县级) are local programmes outside the
  three tiers, ranked below the provincial tier: a requirement of 市级专精特新
  is met by a city, provincial or national holder, one of 专精特新 only by a
  provincial or national one.
* Cultivation lists (培育企业, 培育库, 储备, 后备, 拟认定, 申报中) name candidates,
  not holders: a 专精特新培育企业 meets only a requirement of the same list, which
  the tier itself also meets.

Standards and their editions (tables and reading of codes in
:mod:`matchmaker.domain._standards`; the family is known for the tabled ISO/IATF
standards and the revision-lettered AS/GJB standards):

* A requirement without an edition (``AS9100``, ``ISO 9001``) is met by any
  edition; one with an edition (``AS9100D``, ``ISO 9001:2015``) by that edition or
  a later one. A year is read as the edition in force in that year
  (``ISO 9001:2010`` is the 2008 edition); years after those checked are kept, as
  they may name an edition published since. Where only one edition exists
  (IATF 16949:2016) the year says nothing and is dropped.
* A certificate named without its edition is read as one to the edition in
  force: certificates to a withdrawn edition lapse when its transition period
  ends (ISO 9001:2008, ISO 14001:2004 and AS9100C on 15 September 2018, IAF ID 9
  and ID 10:2015, IAQG), so an ``ISO 9001`` holder meets ``ISO 9001:2015``.
* Superseded standards are recognised and shown as such (:func:`superseded_by`),
  and never meet a requirement of their successor: ISO/TS 16949 → IATF 16949
  (IATF, transition ended 14 September 2018), OHSAS 18001 → ISO 45001 (IAF MD
  21:2018), GB/T 28001-2011 → GB/T 45001-2020, and each withdrawn edition → the
  edition in force. A successor does meet a requirement of what it replaced.
* Identical national adoptions share the key of the international standard
  (GB/T 19001-2016 = ISO 9001:2015, GB/T 45001-2020 = ISO 45001:2018).

Names compare after Unicode (NFKC) and traditional → simplified
normalisation, ignoring case, spacing and the separators ``- _ . · : ,``
around codes: ``GJB 9001C`` = ``GJB9001C`` = ``GJB-9001C``, ``AS 9100 D`` =
``AS9100D``.

Examples
--------
>>> normalize_qualification("iatf-16949")
'IATF 16949'
>>> missing(["ISO 9001", "专精特新"], ["ISO9001:2015", "国家级专精特新小巨人"])
[]
>>> meets(["专精特新"], ["专精特新培育企业"])
False
>>> meets(["AS9100"], ["AS 9100 D"])
True
>>> display_name(normalize_qualification("OHSAS 18001:2007"))
'OHSAS 18001（已被 ISO 45001 取代）'
"""

import functools
import re
import unicodedata

from . import _sme_tiers, _standards
from ._hanzi import to_simplified
from ._sme_tiers import (
    CITY_SRDI,
    COUNTY_SRDI,
    INNOVATIVE,
    LITTLE_GIANT,
    LITTLE_GIANT_CANDIDATE,
    SRDI,
    SRDI_CANDIDATE,
)

__all__ = [
    "CITY_SRDI",
    "COUNTY_SRDI",
    "IMPLIES",
    "INNOVATIVE",
    "LITTLE_GIANT",
    "LITTLE_GIANT_CANDIDATE",
    "SRDI",
    "SRDI_CANDIDATE",
    "QualificationSet",
    "display_name",
    "meets",
    "missing",
    "normalize_qualification",
    "qualification_set",
    "requirement_set",
    "superseded_by",
]

#: What holding a qualification implies besides itself: the quality-SME tiers below
#: it, what a successor standard replaced (see also :func:`_implied` for levels and
#: scopes, and :func:`meets` for editions).
IMPLIES = {**_sme_tiers.IMPLIES, **_standards.IMPLIES}

_DISPLAY = {
    "zh": {**_sme_tiers.NAMES["zh"], "高新技术企业": "高新技术企业"},
    "en": {**_sme_tiers.NAMES["en"], "高新技术企业": "High-tech enterprise"},
}
_SUPERSEDED_NOTE = {"zh": "{name}（已被 {by} 取代）", "en": "{name} (superseded by {by})"}

# Loose spellings of well-known qualifications (compared after _loose()).
_ALIASES = {
    "高新技术企业": ("国家高新技术企业", "国家级高新技术企业", "高新企业", "高企", "国高",
                     "HIGHTECHENTERPRISE", "HIGHANDNEWTECHNOLOGYENTERPRISE", "HNTE",
                     "NATIONALHIGHTECHENTERPRISE"),
    "CCC": ("3C", "中国强制性产品认证", "强制性产品认证"),
    "TÜV": ("TUV", "TÜV认证", "TUV认证"),
    "CNAS": ("CNAS认可", "CNAS实验室认可"),
    "CMA": ("CMA资质", "CMA资质认定", "检验检测机构资质认定"),
    "农机推广鉴定证书": ("农业机械推广鉴定证书", "农机推广鉴定", "农业机械推广鉴定"),
    # IRIS Certification has audited railway suppliers against ISO/TS 22163 since 2017.
    "ISO/TS 22163": ("IRIS", "IRIS认证", "IRISCERTIFICATION", "国际铁路行业标准", "ISOTS22163",
                     "ISO/TS22163"),
    "GMP": ("药品GMP", "药品GMP证书", "GMP证书", "GMP认证", "药品生产质量管理规范"),
    "GSP": ("药品GSP", "药品GSP证书", "GSP证书", "GSP认证", "药品经营质量管理规范"),
    "GJB 9001": ("武器装备质量管理体系", "武器装备质量管理体系认证", "军工质量管理体系",
                 "国军标质量管理体系"),
}

#: Nadcap accreditation is granted per commodity (special process); a requirement names one.
_NADCAP_SCOPES = {
    "NDT": ("NDT", "NONDESTRUCTIVETESTING", "无损检测", "无损探伤"),
    "CHEMICAL PROCESSING": ("CHEMICALPROCESSING", "CP", "化学处理", "化学加工"),
    "HEAT TREATING": ("HEATTREATING", "HEATTREATMENT", "HT", "热处理"),
    "COATINGS": ("COATINGS", "COATING", "CT", "涂层", "涂层工艺", "喷涂"),
    "WELDING": ("WELDING", "WLD", "焊接"),
    "COMPOSITES": ("COMPOSITES", "COMPOSITE", "COMP", "复合材料"),
    "MATERIALS TESTING": ("MATERIALSTESTING", "MATERIALSTESTINGLABORATORIES", "MTL", "材料测试",
                          "材料检测", "材料试验"),
    "NONCONVENTIONAL MACHINING": ("NONCONVENTIONALMACHINING", "NMSE", "特种加工",
                                  "非常规加工"),
    "SURFACE ENHANCEMENT": ("SURFACEENHANCEMENT", "SHOTPEENING", "SE", "表面强化", "喷丸",
                            "喷丸强化"),
    "MEASUREMENT & INSPECTION": ("MEASUREMENT&INSPECTION", "MEASUREMENTANDINSPECTION", "MI",
                                 "测量与检验", "测量检验"),
    "ELASTOMER SEALS": ("ELASTOMERSEALS", "SEALS", "密封件"),
    "SEALANTS": ("SEALANTS", "密封剂"),
    "ELECTRONICS": ("ELECTRONICS", "ETG", "电子"),
    "FLUID DISTRIBUTION": ("FLUIDDISTRIBUTION", "FLUIDS", "流体"),
    "CONVENTIONAL MACHINING AS A SPECIAL PROCESS": ("CONVENTIONALMACHINING", "CMSP"),
    "AERO STRUCTURE ASSEMBLY": ("AEROSTRUCTUREASSEMBLY", "ASA"),
}
_NADCAP_BY_LOOSE = {alias: scope for scope, aliases in _NADCAP_SCOPES.items() for alias in aliases}
_NADCAP = re.compile(r"^NADCAP(?:认证|认可|ACCREDITATION|ACCREDITED)*(?P<scope>.*?)"
                     r"(?:认证|认可|ACCREDITATION|ACCREDITED)*$")
#: GMP issued by an authority (NMPA, EU, FDA, WHO, PIC/S): a GMP all the same.
_GMP = re.compile(r"^(?P<by>NMPA|CFDA|SFDA|中国|EU|欧盟|FDA|美国|WHO|PIC/?S|TGA|PMDA|药品)?"
                  r"(?P<c>C)?GMP(?:证书|认证|符合性检查)?$")
_SIL = re.compile(r"^(?:IEC61508|EN5012[689])?SIL(?P<level>[1-4])(?:级|LEVEL|认证)?$")

_CMMI = re.compile(r"^CMMI(?:[\s\-_]*(?:DEV|SVC))?[\s\-_]*(?:ML|LEVEL|L|级)?[\s\-_]*"
                   r"(?P<level>[1-5一二三四五])\s*(?:级|LEVEL)?$")
_LEVELED = re.compile(r"(?P<name>CMMI|SIL) (?P<level>[1-5])")
_CN_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5"}
_QUOTES = re.compile(r"[\"'“”‘’「」『』《》<>]")
_CJK_SPACE = re.compile(r"(?<=[\u2e80-\u9fff\uf900-\ufaff])\s+|\s+(?=[\u2e80-\u9fff\uf900-\ufaff])")
_SEPARATORS = " -_.·:：,，"
_LOOSE = re.compile(r"[\s\-_.·:：,，]+")
_ASCII_TOKENS = re.compile(r"[A-Z]+|\d+|[\s\-_·:：,，]+|.")


def _nfkc(text):
    return unicodedata.normalize("NFKC", text)


def _clean(name):
    text = to_simplified(_nfkc(name)).strip()
    # Normalised again: removing quotes or spaces can leave combining marks that compose.
    return _nfkc(" ".join(_QUOTES.sub("", text).split()))


def _loose(text):
    return _LOOSE.sub("", text.upper())


_BY_LOOSE = {}
for _key_, _names in _ALIASES.items():
    for _name in (_key_, *_names):
        _BY_LOOSE[_loose(_clean(_name))] = _key_


def normalize_qualification(name):
    """Return the canonical key of a qualification name, or None for a blank one.

    Parameters
    ----------
    name : str
        As written by a user: any spacing, case, full-width characters,
        simplified or traditional Chinese.

    Returns
    -------
    str or None
        E.g. ``'ISO 9001'``, ``'ISO 9001:2015'``, ``'AS 9100D'``, ``'IATF 16949'``,
        ``'专精特新'``, ``'小巨人'``, ``'专精特新培育企业'``, ``'CMMI 3'``; None when
        `name` is blank. Names that are not recognised are returned cleaned
        (Unicode-normalised, simplified Chinese, upper-case Latin letters, one
        space between a word and a number) so that trivial variants still
        compare equal. A key normalises to itself.
    """
    if not isinstance(name, str):
        return None
    return _normalized(name)


@functools.lru_cache(maxsize=65536)
def _normalized(name: str):
    # Pages show the same few hundred names again and again (20 suggestions, each with its
    # qualifications, on every view of a demand): each is worked out once per process.
    text = _clean(name)
    if not text:
        return None
    if not text.strip(_SEPARATORS):
        return text  # separators only ("-"): kept as written
    text = text.strip(_SEPARATORS)
    loose = _loose(text)
    tier = _sme_tiers.tier_key(loose)
    if tier is not None:
        return tier
    if loose in _BY_LOOSE:
        return _BY_LOOSE[loose]
    special = _special_key(loose)
    if special is not None:
        return special
    standard = _standards.standard_key(text)
    if standard is not None:
        return standard
    cmmi = _CMMI.match(text.upper())
    if cmmi:
        level = cmmi["level"]
        return f"CMMI {_CN_DIGIT.get(level, level)}"
    upper = text.upper()
    # "CQC认证" is the certificate "CQC"; Chinese names keep their own wording.
    for suffix in ("认证证书", "认证"):
        head = upper[: -len(suffix)].strip(_SEPARATORS)
        if upper.endswith(suffix) and head and head.isascii():
            upper = head
            break
    if upper.isascii():
        upper = _ascii_key(upper)
    else:
        upper = _CJK_SPACE.sub("", upper)
    return _BY_LOOSE.get(_loose(upper), upper)



def _ascii_key(text):
    """One spelling of a Latin code: words and numbers one space apart, a revision
    letter joined to its number (``X-9001 c`` → ``X 9001C``), other signs kept."""
    out, prev, gap = [], None, ""
    for token in _ASCII_TOKENS.findall(text):
        if not token.strip(" -_·:：,，"):
            gap += token
            continue
        kind = "a" if token.isalpha() else "9" if token.isdigit() else None
        if out and kind and prev:
            if prev == "9" and kind == "9":
                out.append("-" if "-" in gap else " ")
            elif not (prev == "9" and kind == "a" and len(token) == 1):
                out.append(" ")
        out.append(token)
        prev, gap = kind, ""
    return "".join(out)


def _special_key(loose):
    """Keys of qualifications that come in scopes or levels (Nadcap, GMP, SIL)."""
    nadcap = _NADCAP.match(re.sub(r"[()（）\[\]【】/]", "", loose))
    if nadcap:
        scope = nadcap["scope"]
        if not scope:
            return "NADCAP"
        known = _NADCAP_BY_LOOSE.get(scope)
        return f"NADCAP {known or scope}"
    gmp = _GMP.match(loose)
    if gmp:
        by = gmp["by"]
        by = {"CFDA": "NMPA", "SFDA": "NMPA", "中国": "NMPA", "欧盟": "EU", "美国": "FDA",
              "PICS": "PIC/S", "药品": None}.get(by, by)
        return f"{by} GMP" if by else "GMP"
    sil = _SIL.match(loose)
    if sil:
        return f"SIL {sil['level']}"
    return None


def _implied(key):
    """What holding ``key`` implies besides itself.

    A CMMI or SIL level includes the levels below it; a GMP of any authority is
    a GMP; a Nadcap accreditation for a commodity is a Nadcap accreditation; a
    quality-SME tier meets the tiers and lists below it; a successor meets what
    it replaced. Editions of a standard are compared by :func:`_met`.
    """
    out = set(IMPLIES.get(key, ()))
    leveled = _LEVELED.fullmatch(key)
    if leveled:
        name, level = leveled["name"], int(leveled["level"])
        low = 2 if name == "CMMI" else 1
        out.update(f"{name} {n}" for n in range(low, level))
    elif key.endswith(" GMP"):
        out.add("GMP")
    elif key.startswith("NADCAP "):
        out.add("NADCAP")
    else:
        # Not the family's own key: held alone, it would read as the edition in force.
        edition = _standards.edition(key)
        if edition is not None and edition[1] is not None:
            out |= IMPLIES.get(edition[0], frozenset())
    return out


def superseded_by(key):
    """Return the name of the standard that replaced `key`, or None when it is in force.

    >>> superseded_by("OHSAS 18001")
    'ISO 45001'
    >>> superseded_by(normalize_qualification("ISO 9001:2008"))
    'ISO 9001:2015'
    >>> superseded_by("ISO 9001") is None
    True
    """
    return _standards.successor(key) if isinstance(key, str) else None


def display_name(key, lang="zh"):
    """Return a readable name for a canonical key, with a note when it is superseded.

    Parameters
    ----------
    key : str
        A key from :func:`normalize_qualification`.
    lang : {"zh", "en"}
        Language of the tier names and of the note.
    """
    name = _DISPLAY.get(lang, _DISPLAY["zh"]).get(key) or _standards.name(key)
    by = superseded_by(key)
    if by is not None:
        return _SUPERSEDED_NOTE.get(lang, _SUPERSEDED_NOTE["zh"]).format(name=name, by=by)
    return name


class QualificationSet(frozenset):
    """The canonical keys a supplier holds, with everything they imply
    (what :func:`qualification_set` returns)."""

    __slots__ = ()


def _names(names):
    if names is None:
        return ()
    return (names,) if isinstance(names, str) else names


def qualification_set(names):
    """Return the canonical keys of `names` plus everything they imply.

    Parameters
    ----------
    names : iterable of str or str
        Qualification names; a single string is one name. Blank names are skipped.

    Returns
    -------
    QualificationSet
        A frozenset of keys. Whether a requirement is met is :func:`meets`'
        business: an edition requirement (``ISO 9001:2015``) is met by later
        editions that the set does not list.
    """
    if isinstance(names, QualificationSet):
        return names
    keys = set()
    for name in _names(names):
        key = normalize_qualification(name)
        if key:
            keys.add(key)
            keys |= _implied(key)
    return QualificationSet(keys)


def requirement_set(names):
    """Return the canonical keys of required qualifications (nothing implied added)."""
    return frozenset(k for k in map(normalize_qualification, (n for n in _names(names) if isinstance(n, str))) if k)


def _met(key, have):
    if key in have:
        return True
    return _met_by_edition(key, have)


def _met_by_edition(key, have):
    """A requirement of a standard (any edition) or of an edition (it or a later one)."""
    edition = _standards.edition(key)
    if edition is None:
        return False
    family, rank = edition
    for held in have:
        other = _standards.edition(held)
        if other is None or other[0] != family:
            continue
        # Held without an edition: a certificate to the edition in force.
        held_rank = other[1] if other[1] is not None else _standards.current(family)
        if rank is None or (held_rank is not None and held_rank >= rank):
            return True
    return False


def meets(required, held):
    """Return whether every required qualification is met by what is held.

    This is the one rule of the platform: the matching engine's hard filter,
    the suggested suppliers and every check on the site call it.

    Parameters
    ----------
    required : iterable of str or str
        Qualifications required (names or keys).
    held : iterable of str or QualificationSet
        Qualifications held (names, or the result of :func:`qualification_set`).
    """
    have = qualification_set(held)
    if isinstance(required, (set, frozenset)) and required <= have:
        return True  # a name that is a held key is met (keys normalise to themselves)
    for name in _names(required):
        if not isinstance(name, str) or name in have:
            continue
        key = normalize_qualification(name)
        if key and key not in have and not _met_by_edition(key, have):
            return False
    return True


def missing(required, held, lang="zh"):
    """Return the required qualifications that are not met.

    Parameters
    ----------
    required : iterable of str
        Qualifications a demand requires.
    held : iterable of str or QualificationSet
        Qualifications a supplier holds (names, or the result of
        :func:`qualification_set`).
    lang : {"zh", "en"}
        Language of the names returned.

    Returns
    -------
    list of str
        Display names of the requirements not met, in the order they were
        required, each once; empty when every requirement is met.
    """
    have = qualification_set(held)
    out, seen = [], set()
    for name in _names(required):
        key = normalize_qualification(name)
        if key and key not in seen and not _met(key, have):
            seen.add(key)
            out.append(display_name(key, lang))
    return out
