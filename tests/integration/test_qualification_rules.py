"""The site applies the platform's qualification rules (the engine's own): suggested
suppliers, the demand page's qualification filter, the verified marks, superseded
standards and duplicate claims."""
from __future__ import annotations

import pytest
from flask_babel import refresh
from sqlalchemy import select

from matchmaker.models import Qualification
from tests.integration import helpers
from tests.integration.postings_support import in_days, load_chains, login, member, text

TITLE = "N型TOPCon电池片"


@pytest.fixture
def world(db):
    load_chains(db)
    buyer_ent, buyer = member(db, size="large", name="示范光伏集团")
    suppliers = {
        "seed": ("苏州培育电池有限公司", [("专精特新培育企业", True)]),
        "city": ("苏州市级电池有限公司", [("苏州市专精特新中小企业", True)]),
        "prov": ("江苏省级电池有限公司", [("江苏省专精特新中小企业", True)]),
        "as9100d": ("常州航电电池有限公司", [("AS9100D", True)]),
        "ohsas": ("无锡旧证电池有限公司", [("OHSAS 18001", True)]),
    }
    out = {"buyer": buyer, "buyer_ent": buyer_ent}
    for key, (name, quals) in suppliers.items():
        ent, _ = member(db, size="small", name=name, quals=quals)
        helpers.capability(db, ent, title=TITLE, description=f"{TITLE}，月产能300MW。", chain_nodes=["pv.cell"],
                           region="江苏省", active=True)
        out[key] = ent
    db.commit()
    return out


def _demand(db, world, required):
    d = helpers.demand(db, world["buyer_ent"], title=f"{TITLE}采购", description=f"采购{TITLE}",
                       chain_nodes=["pv.cell"], region="江苏省", required_qualifications=required,
                       deadline=in_days(30))
    db.commit()
    return d


def _suggested(client, world, d, query=""):
    html = text(client.get(f"/demands/{d.id}{query}"))
    return {key for key in ("seed", "city", "prov", "as9100d", "ohsas") if world[key].name in html}


def test_a_cultivation_candidate_is_not_suggested_for_a_srdi_demand(client, db, world):
    """《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号): 专精特新中小企业 are 认定 by
    the provincial authority; a 培育 list or a city list is not that tier."""
    d = _demand(db, world, ["专精特新"])
    login(client, world["buyer"])
    assert _suggested(client, world, d) == {"prov"}


def test_the_demand_page_filter_applies_the_same_rule(client, db, world):
    """The page's qualification filter is a requirement like the demand's own (same rule)."""
    d = _demand(db, world, [])
    login(client, world["buyer"])
    assert _suggested(client, world, d) == {"seed", "city", "prov", "as9100d", "ohsas"}
    assert _suggested(client, world, d, "?qualification=专精特新") == {"prov"}
    assert _suggested(client, world, d, "?qualification=市级专精特新") == {"city", "prov"}
    assert _suggested(client, world, d, "?qualification=AS9100") == {"as9100d"}
    assert _suggested(client, world, d, "?qualification=ISO 45001") == set()


def test_an_as9100d_holder_is_suggested_for_as9100_and_marked_verified(client, db, world):
    """SAE AS9100D (2016) is an edition of AS9100: a requirement without an edition is met."""
    d = _demand(db, world, ["AS 9100"])
    login(client, world["buyer"])
    html = text(client.get(f"/demands/{d.id}"))
    assert _suggested(client, world, d) == {"as9100d"}
    assert 'class="tag tag-verified" title="已核验">AS9100D</span>' in html


def test_a_superseded_standard_is_shown_as_such(client, db, world):
    """ISO 45001:2018 replaced OHSAS 18001 (IAF MD 21:2018): shown as superseded, and its
    holder is not suggested for ISO 45001."""
    d = _demand(db, world, ["OHSAS 18001"])
    login(client, world["buyer"])
    html = text(client.get(f"/demands/{d.id}"))
    assert "OHSAS 18001（已被 ISO 45001 取代）" in html
    profile = text(client.get(f"/enterprises/{world['ohsas'].id}"))
    assert "OHSAS 18001（已被 ISO 45001 取代）" in profile
    assert "ohsas" not in _suggested(client, world, _demand(db, world, ["ISO 45001"]))
    refresh()  # the db fixture's app context outlives requests; forget the cached locale
    assert "OHSAS 18001 (superseded by ISO 45001)" in text(client.get(f"/enterprises/{world['ohsas'].id}?lang=en"))
    refresh()


def test_the_same_certificate_is_not_claimed_twice(client, db):
    """An undated ISO 9001 certificate is one to the edition in force (ISO 9001:2015; the 2008
    edition's certificates lapsed on 15 September 2018, IAF ID 9:2015); an older edition is
    another certificate."""
    ent, u = member(db, size="small")
    login(client, u)
    until = in_days(365).isoformat()
    client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "ISO 9001:2015", "valid_until": until})
    page = client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "iso9001"}, follow_redirects=True)
    assert "已登记该资质" in text(page)
    client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "专精特新培育企业", "valid_until": until})
    client.post(f"/enterprises/{ent.id}/qualifications", data={"name": "专精特新", "valid_until": until})
    names = db.scalars(select(Qualification.name).where(Qualification.enterprise_id == ent.id)).all()
    assert sorted(names) == sorted(["ISO 9001:2015", "专精特新培育企业", "专精特新"])
