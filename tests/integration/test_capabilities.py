"""Capabilities: posting with picked or inferred chain nodes, claims, listing, unlisting, permissions."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.models import Capability
from tests.integration import helpers
from tests.integration.postings_support import load_chains, login, logout, member, text


@pytest.fixture
def chains(db):
    load_chains(db)


def _form(**overrides) -> dict:
    data = {"title": "镀钯铜键合丝", "description": "镀钯铜键合丝，线径18–25μm，用于QFN/SOP封装。",
            "chain_nodes": ["icpkg.bonding-wire"], "qualifications": [], "capacity": "月产 5000 km", "region": "广东省"}
    data.update(overrides)
    return data


def test_an_sme_posts_a_capability_that_everyone_can_find(client, db, chains):
    _ent, u = member(db, size="small", region="广东省", name="深圳键合材料有限公司", quals=[("ISO 9001", True)])
    login(client, u)
    response = client.post("/capabilities/new", data=_form(qualifications=["ISO 9001"]))
    assert response.status_code == 302
    cap = db.scalar(select(Capability))
    assert (cap.chain_nodes, cap.qualifications, cap.region, cap.active, cap.chain_nodes_inferred) == (
        ["icpkg.bonding-wire"], ["ISO 9001"], "广东省", True, False)
    logout(client)
    assert "镀钯铜键合丝" in text(client.get("/capabilities/?chain=icpkg"))
    assert "镀钯铜键合丝" not in text(client.get("/capabilities/?chain=pv"))
    assert "键合丝" in text(client.get(f"/capabilities/{cap.id}"))
    listing = client.get("/api/v1/capabilities?region=广东").get_json()
    assert [c["title"] for c in listing["items"]] == ["镀钯铜键合丝"]


def test_chain_nodes_inferred_from_the_text_are_confirmed_before_saving(client, db, chains):
    _ent, u = member(db, size="small")
    login(client, u)
    data = _form(title="高效N型TOPCon电池片", description="月产能300MW的N型TOPCon电池片制造。", chain_nodes=[])
    response = client.post("/capabilities/new", data=data)
    html = text(response)
    assert response.status_code == 200 and "平台推断的产业链环节" in html
    assert 'value="pv.cell" checked' in html
    assert db.scalar(select(Capability)) is None

    response = client.post("/capabilities/new", data=dict(data, chain_nodes=["pv.cell"], inferred_nodes="pv.cell"))
    assert response.status_code == 302
    cap = db.scalar(select(Capability))
    assert cap.chain_nodes == ["pv.cell"] and cap.chain_nodes_inferred


def test_a_changed_inferred_set_is_recorded_as_picked(client, db, chains):
    _ent, u = member(db, size="small")
    login(client, u)
    client.post("/capabilities/new", data=_form(title="电池片", description="TOPCon电池片",
                                                chain_nodes=["pv.cell", "pv.module"], inferred_nodes="pv.cell"))
    cap = db.scalar(select(Capability))
    assert cap.chain_nodes == ["pv.cell", "pv.module"] and not cap.chain_nodes_inferred


def test_qualifications_come_from_the_enterprises_claims(client, db, chains):
    _ent, u = member(db, size="small", quals=[("ISO 9001", False)])
    login(client, u)
    response = client.post("/capabilities/new", data=_form(qualifications=["IATF 16949"]))
    assert response.status_code == 200 and "不在贵企业的资质中" in text(response)
    assert db.scalar(select(Capability)) is None
    assert client.post("/capabilities/new", data=_form(qualifications=["ISO 9001"])).status_code == 302


def test_an_unknown_chain_node_is_refused(client, db, chains):
    _ent, u = member(db, size="small")
    login(client, u)
    response = client.post("/capabilities/new", data=_form(chain_nodes=["no.such-node"]))
    assert response.status_code == 200 and "产业链环节不存在" in text(response)
    assert db.scalar(select(Capability)) is None


def test_anonymous_users_and_organisers_cannot_post_capabilities_but_any_organisation_can(client, db, chains):
    """携手行动 (工信部联企业〔2022〕54号): what an organisation offers is not a matter of its size."""
    ent, u = member(db, size="large")
    response = client.post("/capabilities/new", data=_form())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    organiser = helpers.user(db, role="organiser")
    db.commit()
    login(client, organiser)
    assert client.get("/capabilities/new").status_code == 403
    assert client.post("/capabilities/new", data=_form()).status_code == 403
    assert db.scalar(select(Capability)) is None
    login(client, u)
    assert client.post("/capabilities/new", data=_form()).status_code == 302
    assert db.scalar(select(Capability)).enterprise_id == ent.id


def test_an_unlisted_capability_is_hidden_from_others_and_only_its_owner_changes_it(client, db, chains):
    ent, owner = member(db, size="small")
    _other_ent, other = member(db, size="small")
    cap = helpers.capability(db, ent, title="精密冲压引线框架", description="引线框架", chain_nodes=["icpkg.leadframe"],
                             active=True)
    db.commit()
    login(client, other)
    assert client.get(f"/capabilities/{cap.id}/edit").status_code == 404
    assert client.post(f"/capabilities/{cap.id}/edit", data=_form(title="篡改")).status_code == 404
    assert client.post(f"/capabilities/{cap.id}/active", data={"active": "0"}).status_code == 404
    db.expire_all()
    assert cap.active and cap.title == "精密冲压引线框架"

    login(client, owner)
    client.post(f"/capabilities/{cap.id}/active", data={"active": "0"})
    db.expire_all()
    assert not cap.active
    assert "已下架" in text(client.get(f"/capabilities/{cap.id}"))
    login(client, other)
    assert client.get(f"/capabilities/{cap.id}").status_code == 404
    assert client.get(f"/api/v1/capabilities/{cap.id}").status_code == 404
    assert "精密冲压引线框架" not in text(client.get("/capabilities/"))

    login(client, owner)
    response = client.post(f"/capabilities/{cap.id}/edit", data=_form(title="精密冲压引线框架（铜合金）",
                                                                      chain_nodes=["icpkg.leadframe"]))
    assert response.status_code == 302
    db.expire_all()
    assert cap.title == "精密冲压引线框架（铜合金）"


def test_the_capability_list_has_an_empty_state(client, db, chains):
    assert "暂无企业能力" in text(client.get("/capabilities/"))
