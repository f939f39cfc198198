import copy
import json
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from matchmaker.commands.chains import chains as chains_cli
from matchmaker.commands.chains_pure import diff_command, svg_command


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_diff_command(tmp_path, small_doc):
    old = write(tmp_path, "old.json", small_doc)
    changed = copy.deepcopy(small_doc)
    changed["chains"][2]["nodes"][0]["name"] = "合成纤维"
    new = write(tmp_path, "new.json", changed)
    runner = CliRunner()
    same = runner.invoke(diff_command, [old, old])
    assert same.exit_code == 0 and "No changes." in same.output
    result = runner.invoke(diff_command, [old, new])
    assert result.exit_code == 3
    assert "nodes renamed (1)" in result.output and "合成纤维" in result.output


def test_diff_command_reports_a_bad_file(tmp_path, small_doc):
    broken = copy.deepcopy(small_doc)
    broken["chains"][0]["nodes"][0]["stage"] = "sideways"
    result = CliRunner().invoke(diff_command, [write(tmp_path, "a.json", small_doc),
                                               write(tmp_path, "b.json", broken)])
    assert result.exit_code == 1
    assert "sideways" in result.output


def test_svg_command(tmp_path, small_doc):
    source = write(tmp_path, "chains.json", small_doc)
    out = tmp_path / "map.svg"
    result = CliRunner().invoke(svg_command, [source, "nev-battery", "--lang", "en",
                                              "--out", str(out)])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert root.get("data-chain-id") == "nev-battery"
    missing = CliRunner().invoke(svg_command, [source, "steel"])
    assert missing.exit_code == 1 and "unknown chain 'steel'" in missing.output


def _with_recycling(small_doc, edge=("nev-battery.pack", "nev-battery.cathode", "recycle")):
    document = copy.deepcopy(small_doc)
    document["chains"][0]["edges"].append(list(edge))
    return document


def test_validate_accepts_a_recycling_edge_that_closes_a_loop(tmp_path, small_doc):
    path = write(tmp_path, "loop.json", _with_recycling(small_doc))
    result = CliRunner().invoke(chains_cli, ["validate", path])
    assert result.exit_code == 0, result.output
    assert "OK — 3 chains, 7 nodes, 6 edges (1 recycling)" in result.output


def test_validate_refuses_an_unmarked_cycle(tmp_path, small_doc):
    path = write(tmp_path, "cycle.json",
                 _with_recycling(small_doc, ("nev-battery.pack", "nev-battery.cathode")))
    result = CliRunner().invoke(chains_cli, ["validate", path])
    assert result.exit_code == 1
    assert ("nev-battery.cathode -> nev-battery.cell -> nev-battery.pack -> "
            "nev-battery.cathode") in result.output
    assert "[chains[0] (nev-battery).edges[4]]" in result.output


def test_validate_names_an_unknown_edge_kind(tmp_path, small_doc):
    path = write(tmp_path, "kind.json", _with_recycling(
        small_doc, ("nev-battery.pack", "nev-battery.cathode", "回收")))
    result = CliRunner().invoke(chains_cli, ["validate", path])
    assert result.exit_code == 1
    assert "unknown kind \"回收\"; allowed: supply, recycle; did you mean 'recycle'?" \
        in result.output


def test_validate_reports_deeply_nested_json_without_a_traceback(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    result = CliRunner().invoke(chains_cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "nested too deeply" in result.output and "Traceback" not in result.output


def test_file_names_that_look_like_json_are_read_as_files(tmp_path, small_doc, monkeypatch):
    write(tmp_path, "[draft].json", small_doc)
    write(tmp_path, "[v2].json", small_doc)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(chains_cli, ["validate", "[draft].json"])
    assert result.exit_code == 0, result.output
    diff = CliRunner().invoke(diff_command, ["[draft].json", "[v2].json"])
    assert diff.exit_code == 0 and "No changes." in diff.output


def test_diff_command_shows_a_changed_edge_kind(tmp_path, small_doc):
    marked = copy.deepcopy(small_doc)
    marked["chains"][0]["edges"][2].append("recycle")  # cell -> pack
    result = CliRunner().invoke(diff_command, [write(tmp_path, "old.json", small_doc),
                                               write(tmp_path, "new.json", marked)])
    assert result.exit_code == 3
    assert ("edges changed (1): nev-battery.cell -> nev-battery.pack: supply -> recycle"
            in result.output)


def test_svg_command_draws_recycling_dashed(tmp_path, small_doc):
    source = write(tmp_path, "loop.json", _with_recycling(small_doc))
    result = CliRunner().invoke(svg_command, [source, "nev-battery"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.output)
    (path,) = [p for p in root.iter("{http://www.w3.org/2000/svg}path")
               if p.get("data-edge-kind") == "recycle"]
    assert path.get("stroke-dasharray")
