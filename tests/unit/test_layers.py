"""Layers run one way: the contracts of ``.importlinter`` hold for the whole tree."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / ".importlinter"


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), f"{lint_imports} is missing: install the test extra (pip install -e '.[test]')"
    run = subprocess.run([str(lint_imports), "--no-cache", "--no-logo", str(CONTRACTS)], cwd=ROOT,
                         check=False, capture_output=True, text=True, timeout=300)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    kept = re.search(r"Contracts: (\d+) kept, 0 broken", report)
    assert kept and int(kept.group(1)) == CONTRACTS.read_text().count("[importlinter:contract:"), report
