"""`check` names every violated constraint."""

from matchmaker.scheduling import Meeting, Participant, Problem, Request, check


def _problem():
    parts = [Participant("B1", "buyer", table=1), Participant("B2", "buyer"),
             Participant("S1", "supplier", unavailable=frozenset({"b"}), max_meetings=1),
             Participant("S2", "supplier")]
    requests = [Request("B1", "S1"), Request("B2", "S1"), Request("B2", "S2"),
                Request("B1", "S2")]
    locked = [Meeting("B2", "S2", "c", 3, locked=True)]
    return Problem(["a", "b", "c"], 3, parts, requests, locked=locked)


def test_a_valid_schedule_has_no_violation():
    problem = _problem()
    meetings = [Meeting("B1", "S1", "a", 1), Meeting("B2", "S2", "c", 3),
                Meeting("B1", "S2", "b", 1)]
    assert check(problem, meetings) == []


def test_each_kind_of_violation_is_reported():
    problem = _problem()
    meetings = [
        Meeting("B1", "S1", "b", 2),   # S1 away in b; B1 must sit at 1
        Meeting("B2", "S1", "a", 1),   # table 1 is B1's; S1 over max_meetings
        Meeting("B2", "S2", "a", 2),   # B2 twice in a
        Meeting("B2", "S2", "b", 2),   # pair twice; locked one missing
        Meeting("S1", "B1", "x", 9),   # not a buyer/supplier, unknown slot, table
    ]
    text = "\n".join(check(problem, meetings))
    for expected in ["'S1' is unavailable in b", "must sit at table 1",
                     "table 1 belongs to B1", "'B2' has 2 meetings in slot a",
                     "(B2, S2) meet 2 times", "above max_meetings 1",
                     "locked meeting (B2, S2, c, table 3) is missing",
                     "'S1' is not a buyer", "unknown slot 'x'", "table outside 1..3",
                     "nobody requested this pair"]:
        assert expected in text, expected


def test_two_meetings_at_one_table_are_reported():
    problem = _problem()
    meetings = [Meeting("B2", "S2", "c", 3), Meeting("B1", "S2", "a", 1),
                Meeting("B2", "S1", "a", 1)]
    assert any("table 1 holds 2 meetings in slot a" in v for v in check(problem, meetings))
