"""`matchmaker demo`: says what it is doing while it prepares, and prints an aligned table of log-ins."""
from __future__ import annotations

from click.testing import CliRunner

from matchmaker import create_app
from matchmaker.cli import main
from matchmaker.commands.site import display_width, pad
from matchmaker.services import seeding


def test_terminal_width_counts_cjk_characters_as_two_columns():
    assert display_width("SME 专精特新") == 4 + 8 and display_width("admin") == 5
    assert pad("组织方", 8) == "组织方  " and pad("organiser", 4) == "organiser"


def test_demo_without_serving_says_how_to_start_and_aligns_the_log_ins(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}"})
    monkeypatch.setattr("matchmaker.commands.site._app", lambda: app)
    result = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    out = result.output
    # Progress comes before the long steps, so the first run does not look hung.
    assert out.index("Preparing the database") < out.index("Loading the industrial chains") \
        < out.index("Preparing the matching engine") < out.index("Demo log-ins")
    # Nothing is served: no address to open, but the command that serves it.
    assert "http://" not in out and "matchmaker serve" in out
    rows = [line for line in out.splitlines() if any(a["email"] in line for a in seeding.DEMO_ACCOUNTS)]
    assert len(rows) == len(seeding.DEMO_ACCOUNTS)
    columns = {display_width(row[: row.index("@")].rsplit(" ", 1)[0]) for row in rows}
    assert len(columns) == 1, rows  # every e-mail starts in the same terminal column
