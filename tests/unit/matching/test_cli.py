"""The match and evaluate commands, on real JSON Lines, CSV and Excel files."""
import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from matchmaker.commands.match import evaluate, match


def _write_csv(path, records, fields):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(fields)
        for r in records:
            writer.writerow(["; ".join(v) if isinstance(v, list) else (v if v is not None else "")
                             for v in (r.get(f) for f in fields)])


def _write_xlsx(path, records, fields):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(fields)
    for r in records:
        sheet.append(["; ".join(v) if isinstance(v, list) else v for v in (r.get(f) for f in fields)])
    book.save(path)


@pytest.fixture
def files(tmp_path, dev_dir, dev_demands, dev_capabilities):
    demand_fields = ["id", "enterprise", "kind", "title", "description", "chain_nodes", "region",
                     "required_qualifications"]
    cap_fields = ["id", "enterprise", "title", "description", "chain_nodes", "region",
                  "qualifications", "size"]
    demands_csv = tmp_path / "demands.csv"
    caps_xlsx = tmp_path / "capabilities.xlsx"
    _write_csv(demands_csv, dev_demands, demand_fields)
    _write_xlsx(caps_xlsx, dev_capabilities, cap_fields)
    return {"chains": str(dev_dir / "chains.json"), "demands_jsonl": str(dev_dir / "demands.jsonl"),
            "caps_jsonl": str(dev_dir / "capabilities.jsonl"), "demands_csv": str(demands_csv),
            "caps_xlsx": str(caps_xlsx), "tmp": tmp_path}


def _run(*args):
    result = CliRunner().invoke(match, list(args))
    return result


def test_jsonl_ranking_in_the_formats_md_shape(files):
    out = files["tmp"] / "ranking.jsonl"
    result = _run("--chains", files["chains"], "--demands", files["demands_jsonl"],
                  "--capabilities", files["caps_jsonl"], "--top", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert re.search(r"indexed 170 postings in [\d.]+ s; ranked 16 in [\d.]+ s", result.output)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 16
    first = lines[0]
    assert set(first) == {"demand_id", "ranked"} and first["demand_id"] == "DD01"
    assert 0 < len(first["ranked"]) <= 3
    for entry in first["ranked"]:
        assert set(entry) == {"capability_id", "score", "reasons"}
        assert 0 <= entry["score"] <= 1
        assert entry["reasons"] and all(isinstance(r, str) for r in entry["reasons"])


def test_csv_and_xlsx_inputs_rank_like_jsonl(files):
    from_jsonl = files["tmp"] / "a.jsonl"
    from_tables = files["tmp"] / "b.jsonl"
    assert _run("--chains", files["chains"], "--demands", files["demands_jsonl"], "--capabilities",
                files["caps_jsonl"], "--out", str(from_jsonl)).exit_code == 0
    result = _run("--chains", files["chains"], "--demands", files["demands_csv"], "--capabilities",
                  files["caps_xlsx"], "--out", str(from_tables))
    assert result.exit_code == 0, result.output
    assert from_jsonl.read_text(encoding="utf-8") == from_tables.read_text(encoding="utf-8")


def test_csv_and_xlsx_outputs(files):
    for name in ("ranking.csv", "ranking.xlsx"):
        out = files["tmp"] / name
        result = _run("--chains", files["chains"], "--demands", files["demands_jsonl"],
                      "--capabilities", files["caps_jsonl"], "--top", "2", "--out", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    with open(files["tmp"] / "ranking.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["demand_id", "rank", "capability_id", "score", "reasons"]
    assert len(rows) == 32


def test_capability_direction(files):
    out = files["tmp"] / "reverse.jsonl"
    result = _run("--chains", files["chains"], "--demands", files["demands_jsonl"],
                  "--capabilities", files["caps_jsonl"], "--direction", "capability",
                  "--top", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"capability_id", "ranked"}
    assert all(set(e) == {"demand_id", "score", "reasons"} for e in first["ranked"])


def test_bad_records_are_reported_and_the_rest_processed(files, dev_demands):
    bad = files["tmp"] / "demands.jsonl"
    lines = [json.dumps(d, ensure_ascii=False) for d in dev_demands[:3]]
    lines.insert(1, json.dumps({"id": "DX", "enterprise": "甲"}))  # no title
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = files["tmp"] / "ranking.jsonl"
    args = ("--chains", files["chains"], "--demands", str(bad), "--capabilities",
            files["caps_jsonl"], "--out", str(out))
    result = _run(*args)
    assert result.exit_code == 0
    assert f"{bad}:2: title:" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert _run(*args, "--strict").exit_code != 0


def test_nothing_readable_exits_non_zero(files):
    empty = files["tmp"] / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = _run("--chains", files["chains"], "--demands", str(empty), "--capabilities",
                  files["caps_jsonl"], "--out", str(files["tmp"] / "x.jsonl"))
    assert result.exit_code != 0
    assert "no record" in result.output


def test_seeded_chains_are_used_without_chains_option(files):
    out = files["tmp"] / "seeded.jsonl"
    result = _run("--demands", files["demands_jsonl"], "--capabilities", files["caps_jsonl"],
                  "--top", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 16


def test_evaluate_prints_engine_and_baselines(dev_dir):
    result = CliRunner().invoke(evaluate, [str(dev_dir)])
    assert result.exit_code == 0, result.output
    for label in ("engine (shipped weights)", "TF-IDF (baseline)", "BM25 (baseline)", "NDCG@10",
                  "vs BM25:", "won", "lost", "error / best baseline error"):
        assert label in result.output


def test_evaluate_cross_validates_across_sets(dev_dir):
    """Each set is scored with weights fitted on the other one only."""
    second = dev_dir.parent / "match-dev-2"
    result = CliRunner().invoke(evaluate, [str(dev_dir), str(second)])
    assert result.exit_code == 0, result.output
    assert result.output.count("weights fitted on the other set(s)") == 2
    assert result.output.count("engine (fitted on the others)") >= 2
    assert "summary (cross-validated)" in result.output


def test_match_indexes_and_ranks_an_empty_posting_last_in_the_file(files):
    """A capability with no indexable text (title "—", no description) breaks nothing."""
    caps = files["tmp"] / "caps-empty.jsonl"
    lines = Path(files["caps_jsonl"]).read_text(encoding="utf-8").splitlines()
    lines.append(json.dumps({"id": "EMPTY", "enterprise": "某公司", "title": "—"},
                            ensure_ascii=False))
    caps.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = files["tmp"] / "ranking-empty.jsonl"
    result = _run("--chains", files["chains"], "--demands", files["demands_jsonl"],
                  "--capabilities", str(caps), "--top", "5", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 16 and all(r["ranked"] for r in rows)
    assert all(e["capability_id"] != "EMPTY" for r in rows for e in r["ranked"])


def test_evaluate_ablations_measure_each_resource(dev_dir):
    result = CliRunner().invoke(evaluate, [str(dev_dir), "--ablations"])
    assert result.exit_code == 0, result.output
    table = result.output[result.output.index("ablations"):]
    for label in ("shipped engine", "without the glossary", "without the dictionary bridge",
                  "without chain-node terms", "with chain proximity", "with region"):
        assert label in table
    # the glossary is the resource this set leans on most: switching it off costs NDCG
    line = next(x for x in table.splitlines() if "without the glossary" in x)
    assert "(-" in line
