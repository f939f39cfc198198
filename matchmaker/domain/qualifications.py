"""Qualifications and certifications (资质认证) as comparable keys.

The same certificate is written many ways: ``IATF16949``, ``IATF 16949``,
``iatf-16949``, ``ＩＳＯ９００１：２０１５``, ``ISO 9001质量管理体系认证``,
``專精特新``, ``国家级专精特新“小巨人”企业``. :func:`normalize_qualification`
maps each to one canonical key, :func:`qualification_set` adds what a
qualification implies (a 小巨人 enterprise is also 专精特新) and :func:`missing`
tells which required qualifications a supplier lacks.

Examples
--------
>>> normalize_qualification("iatf-16949")
'IATF 16949'
>>> missing(["ISO 9001", "专精特新"], ["ISO9001:2015", "国家级专精特新小巨人"])
[]
"""

import re
import unicodedata

from ._hanzi import to_simplified

__all__ = [
    "IMPLIES",
    "display_name",
    "missing",
    "normalize_qualification",
    "qualification_set",
]

SRDI = "专精特新"
LITTLE_GIANT = "小巨人"

#: What holding a qualification implies: a 专精特新“小巨人” is a 专精特新 enterprise.
IMPLIES = {LITTLE_GIANT: frozenset({SRDI})}  # see also _implied() for levels and scopes

_DISPLAY = {
    SRDI: "专精特新",
    LITTLE_GIANT: "专精特新“小巨人”",
    "高新技术企业": "高新技术企业",
}

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
_NADCAP = re.compile(r"^NADCAP(?:认证|认可|ACCREDITATION|ACCREDITED)?(?P<scope>.*?)"
                     r"(?:认证|认可|ACCREDITATION|ACCREDITED)?$")
#: GMP issued by an authority (NMPA, EU, FDA, WHO, PIC/S): a GMP all the same.
_GMP = re.compile(r"^(?P<by>NMPA|CFDA|SFDA|中国|EU|欧盟|FDA|美国|WHO|PIC/?S|TGA|PMDA|药品)?"
                  r"(?P<c>C)?GMP(?:证书|认证|符合性检查)?$")
_SIL = re.compile(r"^(?:IEC61508|EN5012[689])?SIL(?P<level>[1-4])(?:级|LEVEL|认证)?$")

# National standards that are identical adoptions of international ones.
_EQUIVALENT = {
    "GB/T 19001": "ISO 9001",
    "GB/T 24001": "ISO 14001",
    "GB/T 45001": "ISO 45001",
    "GB/T 22080": "ISO 27001",
    "GB/T 42061": "ISO 13485",
    "YY/T 0287": "ISO 13485",
}

_STANDARD = re.compile(
    r"^(?P<org>ISO/IEC|ISO/TS|IATF|ISO|IEC|GB/T|GB|YY/T|EN|UL|OHSAS|SA|AS|ASTM|JIS)"
    r"[\s\-_]*(?P<num>\d{2,6})"
    r"(?P<part>-(?!(?:19|20)\d{2}\b)\d{1,3})?"
    r"(?P<rev>[A-D](?![A-Z]))?"
    r"(?:\s*[:：\-]\s*(?:19|20)\d{2})?"
    r"(?P<rest>.*)$"
)
_CMMI = re.compile(r"^CMMI(?:[\s\-_]*(?:DEV|SVC))?[\s\-_]*(?:ML|LEVEL|L|级)?[\s\-_]*"
                   r"(?P<level>[1-5一二三四五])\s*(?:级|LEVEL)?$")
_SRDI_ENGLISH = ("SPECIALIZEDANDSOPHISTICATED", "SPECIALISEDANDSOPHISTICATED",
                 "SPECIALIZEDREFINED", "SPECIALISEDREFINED")
_CN_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5"}
_NOISE_EN = re.compile(
    r"\b(certification|certified|certificate|cert|quality management system|"
    r"management system|system|qms|ems|standard)\b"
)
_QUOTES = re.compile(r"[\"'“”‘’「」『』《》<>]")
_CJK_SPACE = re.compile(r"(?<=[\u2e80-\u9fff\uf900-\ufaff])\s+|\s+(?=[\u2e80-\u9fff\uf900-\ufaff])")
_LOOSE = re.compile(r"[\s\-_.·:：,，]+")


def _nfkc(text):
    return unicodedata.normalize("NFKC", text)


def _clean(name):
    text = to_simplified(_nfkc(name)).strip()
    # Normalised again: removing quotes or spaces can leave combining marks that compose.
    return _nfkc(" ".join(_QUOTES.sub("", text).split()))


def _loose(text):
    return _LOOSE.sub("", text.upper())


_BY_LOOSE = {}
for _key, _names in _ALIASES.items():
    for _name in (_key, *_names):
        _BY_LOOSE[_loose(_clean(_name))] = _key


def _standard_key(text):
    match = _STANDARD.match(text.upper())
    if match is None:
        return None
    rest = match["rest"].strip()
    # Trailing words such as 质量管理体系认证 or "certification" do not change which
    # standard is meant; anything else (another code, a letter) means it is not one.
    if rest and re.search(r"[A-Z0-9]", _NOISE_EN.sub("", rest.lower()).upper()):
        return None
    org = "ISO" if match["org"] == "ISO/IEC" else match["org"]
    rev = match["rev"] if org == "AS" else ""
    if match["rev"] and org != "AS":
        return None
    key = f"{org} {match['num']}{match['part'] or ''}{rev or ''}"
    return _EQUIVALENT.get(key, key)


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
        E.g. ``'ISO 9001'``, ``'IATF 16949'``, ``'专精特新'``, ``'小巨人'``,
        ``'CMMI 3'``. Names that are not recognised are returned cleaned
        (Unicode-normalised, simplified Chinese, single spaces, upper-case Latin
        letters) so that trivial variants still compare equal.
    """
    if not isinstance(name, str):
        return None
    text = _clean(name)
    if not text:
        return None
    loose = _loose(text)
    if LITTLE_GIANT in loose or "LITTLEGIANT" in loose:
        return LITTLE_GIANT
    if SRDI in loose or "SRDI" in loose or loose.startswith(_SRDI_ENGLISH):
        return SRDI
    if loose in _BY_LOOSE:
        return _BY_LOOSE[loose]
    special = _special_key(loose)
    if special is not None:
        return special
    standard = _standard_key(text)
    if standard is not None:
        return standard
    cmmi = _CMMI.match(text.upper())
    if cmmi:
        level = cmmi["level"]
        return f"CMMI {_CN_DIGIT.get(level, level)}"
    upper = text.upper()
    # "CQC认证" is the certificate "CQC"; Chinese names keep their own wording.
    for suffix in ("认证证书", "认证"):
        head = upper[: -len(suffix)].strip()
        if upper.endswith(suffix) and head and head.isascii():
            upper = head
            break
    if not upper.isascii():
        upper = _CJK_SPACE.sub("", upper)
    return _BY_LOOSE.get(_loose(upper), upper)


def _special_key(loose):
    """Keys of qualifications that come in scopes or levels (Nadcap, GMP, SIL)."""
    nadcap = _NADCAP.match(loose)
    if nadcap:
        scope = re.sub(r"[()（）\[\]【】/]", "", nadcap["scope"])
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
    a GMP; a Nadcap accreditation for a commodity is a Nadcap accreditation; an
    AS9100 certificate of a revision is an AS9100 certificate.
    """
    out = set(IMPLIES.get(key, ()))
    if key.startswith(("CMMI ", "SIL ")) and key[-1].isdigit():
        name, level = key.rsplit(" ", 1)
        low = 2 if name == "CMMI" else 1
        out.update(f"{name} {n}" for n in range(low, int(level)))
    elif key.endswith(" GMP"):
        out.add("GMP")
    elif key.startswith("NADCAP "):
        out.add("NADCAP")
    elif re.fullmatch(r"AS \d+[A-D]", key):
        out.add(key[:-1])
    return out


def display_name(key):
    """Return a readable name for a canonical key (the key itself when it is readable)."""
    return _DISPLAY.get(key, key)


def qualification_set(names):
    """Return the canonical keys of `names` plus everything they imply.

    Parameters
    ----------
    names : iterable of str or str
        Qualification names; a single string is one name. Blank names are skipped.

    Returns
    -------
    frozenset of str
    """
    if names is None:
        return frozenset()
    if isinstance(names, str):
        names = [names]
    keys = set()
    for name in names:
        key = normalize_qualification(name)
        if key:
            keys.add(key)
            keys |= _implied(key)
    return frozenset(keys)


def missing(required, held):
    """Return the required qualifications that are not held.

    Parameters
    ----------
    required : iterable of str
        Qualifications a demand requires.
    held : iterable of str or frozenset
        Qualifications a supplier holds (names, or the result of
        :func:`qualification_set`).

    Returns
    -------
    list of str
        Display names of the missing qualifications, in the order they were
        required, each once; empty when every requirement is met.
    """
    have = qualification_set(held)
    out, seen = [], set()
    for name in [required] if isinstance(required, str) else (required or ()):
        key = normalize_qualification(name)
        if key and key not in have and key not in seen:
            seen.add(key)
            out.append(display_name(key))
    return out
