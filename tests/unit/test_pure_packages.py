"""The pure packages load without the web stack or the database layer."""
import subprocess
import sys

PURE = ("graph", "matchmaker.matching", "matchmaker.scheduling", "matchmaker.domain", "matchmaker.io")


def test_pure_packages_import_neither_flask_nor_sqlalchemy():
    code = ("import sys\n" + "".join(f"import {name}\n" for name in PURE) +
            "print(sorted(m for m in ('flask', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
