import copy
import json
import xml.etree.ElementTree as ET

from click.testing import CliRunner

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
