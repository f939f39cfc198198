"""Every seeded chain map renders in a real browser with every node drawn, and nothing on
the page runs foul of the site's Content-Security-Policy."""
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
        page.screenshot(path=str(artifacts / f"chain-map-{chain['id']}.png"), full_page=True)
    assert violations == [], "the browser refused parts of the chain maps"
