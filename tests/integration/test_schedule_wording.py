"""The schedule page tells organisers in Chinese what they need, in their words, not the solver's.

What the solver reports (its upper bound, gap, method such as "relaxation+repair", whether it
proved optimality) is kept under the folded 排程计算详情; the summary above it says how many
accepted requests were placed, whether a better agenda exists, and what to change.
"""
from __future__ import annotations

from tests.integration import events_support as es

SOLVER_WORDS = ("上界", "松弛", "修复", "差距", "最优解", "MILP", "relaxation", "repair", "upper bound", "gap")


def test_the_schedule_summary_speaks_the_organisers_language(client, db):
    people = es.fair(db, buyers=2, suppliers=3)
    (b1, _), (b2, _) = people["buyers"]
    s = [p for p, _u in people["suppliers"]]
    s[2].max_meetings = 1  # asked by both buyers, meets one: a request is left out
    for buyer in (b1, b2):
        for supplier in s:
            es.accepted(db, buyer, supplier)
    db.commit()
    event = people["event"]
    es.as_user(client, people["organiser"])
    assert client.post(f"/events/{event.id}/schedule/build", data={"time_limit": "2"}).status_code == 302
    es.fresh(client)
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    summary = html[html.index('id="schedule-summary"'):html.index('class="solver-details"')]
    assert "1 个邀约未能安排" in summary
    assert [w for w in SOLVER_WORDS if w in summary] == []
    details = html[html.index('class="solver-details"'):]
    details = details[:details.index("</details>")]
    assert "<summary>排程计算详情</summary>" in details and "上界" in details
    method = db.get(type(event), event.id).schedule_stats["method"]
    assert method not in summary and method in details
