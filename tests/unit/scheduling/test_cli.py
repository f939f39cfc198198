"""The `schedule` command: files written, figures printed, clean errors."""

import csv
import json

from click.testing import CliRunner

from matchmaker.commands.schedule import schedule_command
from matchmaker.scheduling import Meeting, Problem, check

EVENT = {
    "slots": ["09:00", "09:20", "09:40"],
    "tables": 2,
    "participants": [
        {"id": "B1", "role": "buyer", "table": 1, "unavailable": ["09:00"]},
        {"id": "B2", "role": "buyer"},
        {"id": "S1", "role": "supplier", "max_meetings": 1},
        {"id": "S2", "role": "supplier"},
        {"id": "S3", "role": "supplier", "unavailable": ["09:20", "09:40"]},
    ],
    "requests": [
        {"buyer": "B1", "supplier": "S1", "priority": 3},
        {"buyer": "B2", "supplier": "S1", "priority": 2},
        {"buyer": "B2", "supplier": "S2"},
        {"buyer": "B1", "supplier": "S3", "priority": 2},
    ],
}


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _run(tmp_path, event, *args):
    path = tmp_path / "event.json"
    path.write_text(event if isinstance(event, str) else json.dumps(event), encoding="utf-8")
    return CliRunner().invoke(schedule_command, [str(path), "--out",
                                                 str(tmp_path / "plan.csv"), *args])


def test_writes_a_valid_schedule_and_the_left_out_requests(tmp_path):
    result = _run(tmp_path, EVENT, "--time-limit", "5")
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "plan.csv")
    assert list(rows[0]) == ["slot", "table", "buyer", "supplier", "priority"]
    meetings = [Meeting(r["buyer"], r["supplier"], r["slot"], int(r["table"]),
                        int(r["priority"])) for r in rows]
    assert check(Problem.from_dict(EVENT), meetings) == []
    order = [(EVENT["slots"].index(m.slot), m.table) for m in meetings]
    assert order == sorted(order)
    left = _rows(tmp_path / "plan.unscheduled.csv")
    assert list(left[0]) == ["buyer", "supplier", "priority", "reason"]
    reasons = {(r["buyer"], r["supplier"]): r["reason"] for r in left}
    assert reasons == {("B1", "S3"): "buyer and supplier share no free slot",
                       ("B2", "S1"): "supplier reached max_meetings (1)"}
    assert f"meetings scheduled: {len(rows)}" in result.output
    assert "total priority: 4 of at most 4 (gap 0.00%)" in result.output
    assert "participants met: 4 of 5 with a request (coverage bound 4)" in result.output


def test_malformed_json_names_line_and_column(tmp_path):
    result = _run(tmp_path, '{"slots": ["09:00",\n  "tables": 3}')
    assert result.exit_code == 2
    assert "line 2 column 11" in result.output
    assert "Traceback" not in result.output


def test_invalid_event_lists_the_problems(tmp_path):
    bad = dict(EVENT, requests=[{"buyer": "B1", "supplier": "S9"}])
    result = _run(tmp_path, bad)
    assert result.exit_code == 2
    assert "unknown supplier 'S9'" in result.output
    assert not (tmp_path / "plan.csv").exists()


def test_rerun_with_the_published_schedule_and_no_moves(tmp_path):
    assert _run(tmp_path, EVENT).exit_code == 0
    published = tmp_path / "published.csv"
    (tmp_path / "plan.csv").rename(published)
    changed = dict(EVENT, requests=EVENT["requests"] + [
        {"buyer": "B1", "supplier": "S2", "priority": 3}])
    result = _run(tmp_path, changed, "--no-moves", "--previous", str(published))
    assert result.exit_code == 0, result.output
    before = {tuple(r.values()) for r in _rows(published)}
    after = {tuple(r.values()) for r in _rows(tmp_path / "plan.csv")}
    assert before <= after
    changes = _rows(tmp_path / "plan.changes.csv")
    assert [(c["change"], c["buyer"], c["supplier"]) for c in changes] == [("added", "B1", "S2")]
    assert "0 moved, 0 removed, 1 added" in result.output
