"""When a required qualification is met: quality-SME tiers, editions of standards,
superseded standards, spellings. Each test names the rule it checks and its source."""
import pytest

from matchmaker.domain.qualifications import (
    CITY_SRDI,
    COUNTY_SRDI,
    INNOVATIVE,
    LITTLE_GIANT,
    LITTLE_GIANT_CANDIDATE,
    SRDI,
    SRDI_CANDIDATE,
    display_name,
    meets,
    missing,
    normalize_qualification,
    qualification_set,
    requirement_set,
    superseded_by,
)

# --- Quality-SME tiers -------------------------------------------------------

@pytest.mark.parametrize("key, names", [
    (INNOVATIVE, ["创新型中小企业", "創新型中小企業", "Innovative SME"]),
    (SRDI, ["专精特新", "省级专精特新中小企业", "江苏省专精特新中小企业", "浙江专精特新",
            "广西壮族自治区专精特新企业", "自治区级专精特新", "2023年度专精特新中小企业",
            "专精特新（省级）", "Provincial SRDI"]),
    (LITTLE_GIANT, ["国家级专精特新", "国家级专精特新“小巨人”企业", "第五批专精特新“小巨人”",
                    "荣获国家级专精特新小巨人", "工信部专精特新小巨人", "national SRDI"]),
    (CITY_SRDI, ["市级专精特新", "苏州市专精特新中小企业", "苏州专精特新", "吉林市专精特新",
                 "专精特新企业（市级）", "延边州专精特新", "city-level SRDI"]),
    (COUNTY_SRDI, ["区级专精特新", "县级专精特新企业", "浦东新区专精特新", "上海市浦东新区专精特新",
                   "深圳市南山区专精特新"]),
    (SRDI_CANDIDATE, ["专精特新培育企业", "专精特新中小企业培育库", "省级专精特新培育企业",
                      "专精特新后备企业", "拟认定专精特新中小企业", "SRDI candidate"]),
    (LITTLE_GIANT_CANDIDATE, ["小巨人培育企业", "专精特新小巨人培育库入库企业",
                              "国家级专精特新培育企业"]),
])
def test_tier_names(key, names):
    """《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号): three tiers, 创新型中小企业
    and 专精特新中小企业 (provincial authority) and 专精特新“小巨人” (MIIT, so 国家级专精特新
    is the 小巨人 tier); city and district lists are local programmes, 培育 lists name
    candidates."""
    assert {normalize_qualification(n) for n in names} == {key}


@pytest.mark.parametrize("name", ["北京市专精特新中小企业", "重庆市专精特新", "深圳市专精特新企业",
                                  "宁波市专精特新中小企业", "新疆生产建设兵团专精特新"])
def test_provincial_level_authorities_beyond_provinces(name):
    """MIIT's notices under the 2022 办法 go to 各省、自治区、直辖市及计划单列市、新疆生产建设兵团
    中小企业主管部门: the municipalities, the plan cities (大连, 青岛, 宁波, 厦门, 深圳) and the
    兵团 认定 专精特新中小企业 as a province does."""
    assert normalize_qualification(name) == SRDI


@pytest.mark.parametrize("required, held, ok", [
    ("专精特新", ["专精特新培育企业"], False),
    ("专精特新", ["小巨人培育企业"], False),
    ("小巨人", ["小巨人培育企业"], False),
    ("专精特新", ["市级专精特新"], False),
    ("小巨人", ["市级专精特新"], False),
    ("专精特新", ["区级专精特新"], False),
    ("专精特新", ["创新型中小企业"], False),
    ("国家级专精特新", ["省级专精特新"], False),
    ("小巨人", ["江苏省专精特新“小巨人”"], False),
    ("专精特新", ["省级专精特新"], True),
    ("省级专精特新", ["省级专精特新"], True),
    ("专精特新", ["国家级专精特新小巨人"], True),
    ("市级专精特新", ["苏州市专精特新"], True),
    ("市级专精特新", ["省级专精特新"], True),
    ("市级专精特新", ["小巨人"], True),
    ("区县级专精特新", ["市级专精特新"], True),
    ("市级专精特新", ["区级专精特新"], False),
    ("创新型中小企业", ["专精特新"], True),
    ("创新型中小企业", ["小巨人"], True),
    ("专精特新培育企业", ["专精特新"], True),
    ("专精特新培育企业", ["专精特新培育企业"], True),
    ("小巨人培育企业", ["小巨人"], True),
    ("小巨人培育企业", ["专精特新"], False),
])
def test_a_higher_tier_meets_a_lower_requirement_not_the_reverse(required, held, ok):
    """《优质中小企业梯度培育管理暂行办法》(2022): 创新型中小企业 → 专精特新中小企业 →
    专精特新“小巨人”; city lists below the provincial tier; a cultivation list
    (培育企业) is not the tier it prepares for."""
    assert meets([required], held) is ok
    assert (missing([required], held) == []) is ok


# --- Editions of standards ---------------------------------------------------

@pytest.mark.parametrize("required, held, ok", [
    ("AS9100", ["AS9100D"], True),
    ("AS9100", ["AS9100C"], True),
    ("AS 9100", ["AS 9100 D"], True),
    ("ISO 9001", ["ISO 9001:2015"], True),
    ("ISO 9001", ["ISO 9001:2008"], True),
    ("ISO 9001", ["GB/T 19001-2016"], True),
    ("GJB 9001", ["GJB 9001B"], True),
])
def test_a_requirement_without_edition_is_met_by_any_edition(required, held, ok):
    """A requirement naming a standard without its edition asks for the standard: SAE AS9100
    (revisions A 2001, B 2004, C 2009, D 2016), ISO 9001, GJB 9001 (A 2001, B 2009, C 2017)."""
    assert meets([required], held) is ok


@pytest.mark.parametrize("required, held, ok", [
    ("AS9100D", ["AS9100D"], True),
    ("AS9100D", ["AS9100C"], False),
    ("AS9100C", ["AS9100D"], True),
    ("AS9100D", ["AS9100:2016"], True),
    ("AS9100D", ["EN 9100:2018"], True),
    ("ISO 9001:2015", ["ISO 9001:2015"], True),
    ("ISO 9001:2015", ["ISO 9001:2008"], False),
    ("ISO 9001:2015", ["GB/T 19001-2008"], False),
    ("ISO 9001:2015", ["GB/T 19001-2016"], True),
    ("ISO 9001:2008", ["ISO 9001:2015"], True),
    ("ISO/IEC 27001:2022", ["ISO/IEC 27001:2013"], False),
    ("GJB 9001C", ["GJB9001C-2017"], True),
    ("GJB 9001C", ["GJB 9001B"], False),
    ("ISO 9001:2026", ["ISO 9001:2015"], False),
    ("ISO 9001:2026", ["ISO 9001:2026"], True),
])
def test_a_requirement_with_edition_is_met_by_that_edition_or_a_later_one(required, held, ok):
    """ISO publishes editions that replace earlier ones (ISO 9001:2015 cancels and replaces
    ISO 9001:2008); SAE AS9100D (2016) replaces AS9100C; GB/T 19001-2016 is an identical
    adoption (IDT) of ISO 9001:2015. A year not yet in the table may be a newer edition."""
    assert meets([required], held) is ok


@pytest.mark.parametrize("required, held", [
    ("ISO 9001:2015", "ISO 9001"),
    ("AS9100D", "AS9100"),
    ("IATF 16949:2016", "IATF 16949"),
])
def test_a_certificate_without_edition_is_to_the_edition_in_force(required, held):
    """Certificates to a withdrawn edition lapse when the transition ends (ISO 9001:2008 on
    15 September 2018, IAF ID 9:2015; AS9100C the same day, IAQG): an undated certificate
    is one to the edition in force."""
    assert meets([required], [held])


def test_a_year_is_read_as_the_edition_in_force_that_year():
    """ISO 9001 editions: 1987, 1994, 2000, 2008, 2015; a certificate dated 2010 was to the
    2008 edition."""
    assert normalize_qualification("ISO 9001:2010") == "ISO 9001:2008"
    assert normalize_qualification("ISO 9001:2015") == "ISO 9001:2015"


# --- Superseded standards ----------------------------------------------------

@pytest.mark.parametrize("name, successor", [
    ("ISO/TS 16949:2009", "IATF 16949"),
    ("TS16949", "IATF 16949"),
    ("OHSAS 18001:2007", "ISO 45001"),
    ("GB/T 28001-2011", "GB/T 45001"),
    ("ISO 9001:2008", "ISO 9001:2015"),
    ("GB/T 19001-2008", "ISO 9001:2015"),
    ("AS9100C", "AS9100D"),
    ("GJB 9001B-2009", "GJB 9001C"),
])
def test_withdrawn_standards_are_recognised_as_superseded(name, successor):
    """IATF 16949:2016 replaced ISO/TS 16949:2009 (IATF); ISO 45001:2018 replaced OHSAS 18001
    (IAF MD 21:2018); GB/T 45001-2020 代替 GB/T 28001-2011; ISO 9001:2015 replaced the
    2008 edition (withdrawn 2018, IAF ID 9:2015); AS9100D replaced AS9100C; GJB 9001C-2017
    代替 GJB 9001B-2009."""
    key = normalize_qualification(name)
    assert superseded_by(key) == successor
    assert display_name(key) == f"{display_name(key).split('（')[0]}（已被 {successor} 取代）"
    assert display_name(key, "en").endswith(f" (superseded by {successor})")


def test_display_of_a_superseded_standard():
    """The display names the successor (OHSAS 18001 → ISO 45001, IAF MD 21:2018)."""
    assert display_name(normalize_qualification("OHSAS 18001")) == "OHSAS 18001（已被 ISO 45001 取代）"
    assert display_name(normalize_qualification("AS9100C")) == "AS9100C（已被 AS9100D 取代）"
    for current in ("ISO 9001", "ISO 9001:2015", "IATF 16949", "ISO 45001", "AS9100D", "专精特新"):
        assert superseded_by(normalize_qualification(current)) is None


@pytest.mark.parametrize("required, held, ok", [
    ("ISO 45001", ["OHSAS 18001"], False),
    ("ISO 45001", ["GB/T 28001-2011"], False),
    ("GB/T 45001-2020", ["OHSAS 18001:2007"], False),
    ("IATF 16949", ["ISO/TS 16949"], False),
    ("ISO 9001:2015", ["ISO 9001:2008"], False),
    ("OHSAS 18001", ["ISO 45001"], True),
    ("OHSAS 18001", ["GB/T 45001-2020"], True),
    ("ISO/TS 16949", ["IATF 16949"], True),
    ("GB/T 28001", ["OHSAS 18001"], True),
])
def test_a_superseded_standard_does_not_meet_its_successor(required, held, ok):
    """ISO 45001 is a new standard, not an edition of OHSAS 18001: certificates had to be
    migrated (IAF MD 21:2018); the same holds for IATF 16949 and ISO/TS 16949 (IATF).
    A successor meets a requirement of what it replaced; GB/T 28001-2011 is an identical
    adoption of OHSAS 18001:2007."""
    assert meets([required], held) is ok


# --- Spellings ---------------------------------------------------------------

@pytest.mark.parametrize("names", [
    ["GJB 9001C", "GJB9001C", "GJB-9001C", "gjb 9001 c", "GJB 9001C-2017", "ＧＪＢ９００１Ｃ"],
    ["AS 9100 D", "AS9100D", "AS-9100D", "AS9100 Rev D", "as9100d"],
    ["OHSAS 18001", "OHSAS18001", "ohsas-18001:2007"],
    ["EASA Part 145", "EASA Part-145", "easa part145"],
    ["CAAC 145", "CAAC145", "caac-145"],
])
def test_names_ignore_spacing_and_punctuation(names):
    """A certificate code is the same whatever spaces or hyphens separate its parts
    (GJB 9001C-2017 《质量管理体系要求》 is written GJB9001C, GJB 9001C, GJB-9001C)."""
    assert len({normalize_qualification(n) for n in names}) == 1


def test_requirement_set_adds_nothing_implied():
    """A requirement asks for what it names; implications belong to what is held."""
    assert requirement_set(["小巨人", "ISO 9001:2015", ""]) == {"小巨人", "ISO 9001:2015"}
    assert requirement_set(None) == frozenset()


def test_meets_takes_names_or_a_precomputed_set():
    held = qualification_set(["国家级专精特新小巨人", "AS9100D"])
    assert meets(["专精特新", "AS9100"], held)
    assert meets([], held) and meets(None, [])
    assert not meets(["AS9100D", "ISO 9001"], held)
    assert missing(["AS9100D", "ISO 9001"], held) == ["ISO 9001"]


def test_the_module_examples_hold():
    """The examples in the module's documentation are the rules as stated there."""
    import doctest

    from matchmaker.domain import qualifications

    assert doctest.testmod(qualifications).failed == 0
