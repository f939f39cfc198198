"""Every seeded chain map renders in a real browser with every node drawn, its warned nodes
marked in words as well as colour, and nothing on the page runs foul of the site's
Content-Security-Policy."""
from __future__ import annotations

import pytest

from matchmaker.services import chains as chain_service

pytestmark = pytest.mark.e2e


def test_every_seeded_chain_map_draws_every_node(live_server, page, artifacts):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    doc = chain_service.read_seed_chains()
    assert len(doc["chains"]) >= 7
    for chain in doc["chains"]:
        page.goto(f"{live_server}/chains/{chain['id']}")
        svg = page.locator("#chain-map svg")
        svg.wait_for()
        drawn = set(page.eval_on_selector_all("#chain-map svg [data-node-id]",
                                              "els => els.map(e => e.getAttribute('data-node-id'))"))
        expected = {n["id"] for n in chain["nodes"]}
        assert expected <= drawn, f"{chain['id']}: not drawn {sorted(expected - drawn)}"
        for node in chain["nodes"]:
            box = page.locator(f"#chain-map svg [data-node-id='{node['id']}']").first.bounding_box()
            assert box and box["width"] > 20 and box["height"] > 10, node["id"]
        # Each warned node carries a visible "! <level>" label and names the level in the table.
        for warned in page.locator("#chain-map svg [data-warning]").all():
            badge = warned.locator("[data-warning-badge] text")
            assert badge.is_visible() and (badge.text_content() or "").startswith("! "), warned.get_attribute("data-node-id")
            level = warned.get_attribute("data-warning")
            node = warned.get_attribute("data-node-id")
            assert page.locator(f"table[data-test='warnings'] tr[data-node='{node}'][data-level='{level}']").count() == 1
        page.screenshot(path=str(artifacts / f"chain-map-{chain['id']}.png"), full_page=True)
    assert violations == [], "the browser refused parts of the chain maps"


def test_warned_only_filter_keeps_every_node_drawn_and_a_link(live_server, page):
    chain = chain_service.read_seed_chains()["chains"][0]
    page.goto(f"{live_server}/chains/{chain['id']}")
    page.get_by_label("只看预警环节").check()
    page.get_by_role("button", name="更新").click()
    page.locator("#chain-map svg").wait_for()
    assert "warned=y" in page.url
    drawn = page.eval_on_selector_all("#chain-map svg a [data-node-id]", "els => els.length")
    assert drawn >= len(chain["nodes"])
    rows = page.locator("table[data-test='warnings'] tbody tr")
    levels = {rows.nth(i).get_attribute("data-level") for i in range(rows.count())}
    assert levels <= {"none", "one_province", "concentrated", "demand_outpaces"}
