"""The demo enterprises' credit codes are real-looking: valid, local and of their founding era."""

import json
import re
from pathlib import Path

import pytest

from matchmaker.domain import uscc

DEMO = Path(__file__).resolve().parents[3] / "seeds" / "demo" / "enterprises.jsonl"
_FOUNDED = re.compile(r"(?:成立于|成立於|创立于|創立於|[Ff]ounded in|[Ee]stablished in)\s*(\d{4})")

# GB/T 2260 codes (positions 3-6) of the cities the demo enterprises are in.
_CITY_DIVISIONS = {
    "北京": "1101", "天津": "1201", "上海": "3101", "重庆": "5001", "沈阳": "2101", "大连": "2102",
    "南京": "3201", "无锡": "3202", "常州": "3204", "苏州": "3205", "杭州": "3301", "宁波": "3302",
    "嘉兴": "3304", "台州": "3310", "合肥": "3401", "芜湖": "3402", "福州": "3501", "厦门": "3502",
    "宁德": "3509", "济南": "3701", "青岛": "3702", "烟台": "3706", "郑州": "4101", "武汉": "4201",
    "襄阳": "4206", "长沙": "4301", "株洲": "4302", "广州": "4401", "深圳": "4403", "佛山": "4406",
    "东莞": "4419", "成都": "5101", "绵阳": "5107", "西安": "6101",
}


def _enterprises():
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]


def _founded(record):
    found = _FOUNDED.search(record.get("description") or "")
    return int(found.group(1)) if found else None


@pytest.fixture(scope="module")
def enterprises():
    return _enterprises()


def test_every_demo_code_is_valid_and_unique(enterprises):
    """GB 32100-2015 (every position, both check characters) and GB 11714-1997 (positions 9-17)."""
    codes = [e["uscc"] for e in enterprises]
    assert len(set(codes)) == len(codes)
    invalid = {e["key"]: uscc.validate(e["uscc"]).reason for e in enterprises if not uscc.validate(e["uscc"])}
    assert invalid == {}


def test_demo_codes_are_registered_where_the_enterprise_is(enterprises):
    """GB 32100-2015 §4.3: the division (positions 3-8) lies in the declared province and city."""
    mismatched = {e["key"]: uscc.province_mismatch(e["uscc"], e["region"]) for e in enterprises
                  if uscc.province_mismatch(e["uscc"], e["region"])}
    assert mismatched == {}
    wrong_city = {e["key"]: (e["city"], e["uscc"][2:8]) for e in enterprises
                  if e.get("city") in _CITY_DIVISIONS and e["uscc"][2:6] != _CITY_DIVISIONS[e["city"]]}
    assert wrong_city == {}


def test_only_enterprises_founded_since_2015_have_new_series_organisation_codes(enterprises):
    """GB 32100-2015 with GB 11714-1997: "MA…" organisation codes were assigned from the 2015 reform on."""
    too_early = {e["key"]: (_founded(e), e["uscc"]) for e in enterprises
                 if e["uscc"][8:10] == "MA" and (_founded(e) or 0) < 2015}
    assert too_early == {}
    assert any(e["uscc"][8:10] == "MA" for e in enterprises)


def test_demo_companies_have_enterprise_codes(enterprises):
    """GB 32100-2015 table 1: a company (…公司) is registered by market regulation as an enterprise (91…)."""
    companies = [e for e in enterprises if e["name"].endswith("公司")]
    assert companies
    assert {e["key"]: e["uscc"][:2] for e in companies if uscc.entity_kind(e["uscc"]) != "enterprise"} == {}
