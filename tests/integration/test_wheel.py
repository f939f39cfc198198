"""The built wheel is complete: installed on its own, it runs the demo and serves its files.

The wheel is built from a copy of the source tree (so no build output lands in the
checkout) and installed without its dependencies into a fresh virtual environment;
the dependencies come from the environment running the tests, while ``matchmaker``,
``seeds`` and ``static`` must come from the wheel.
"""
from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import site
import sqlite3
import subprocess
import sys
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from matchmaker.services import seeding
from tests.conftest import need_service

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300

# Data files the installed application reads, as globs relative to the project root.
SHIPPED = ("seeds/README.md", "seeds/chains/*.json", "seeds/glossary/*.tsv", "seeds/demo/*",
           "static/css/*", "static/js/*", "matchmaker/domain/common_passwords.txt")

# Environment variables that would point the installed copy at this checkout or at a
# developer's database.
_SCRUBBED = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "DATABASE_URL", "REDIS_URL",
             "SECRET_KEY", "MATCHMAKER_INSTANCE", "VIRTUAL_ENV")


def _shipped_files() -> set[str]:
    found = {p.relative_to(ROOT).as_posix() for pattern in SHIPPED for p in ROOT.glob(pattern)
             if p.is_file()}
    assert any(name.startswith("seeds/chains/") for name in found)
    return found


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def _run(args, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=_env(**env), capture_output=True,
                          text=True, encoding="utf-8", timeout=TIMEOUT, check=False)


def _check(proc: subprocess.CompletedProcess, what: str) -> str:
    assert proc.returncode == 0, (f"{what} failed ({proc.returncode}):\n"
                                  f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


def _copy_source(dest: Path) -> Path:
    """The files a build reads: root-level files and the packages setup.cfg lists."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    include = config["options.packages.find"]["include"].split()
    packages = sorted({name.split(".")[0] for name in include})
    dest.mkdir()
    for path in ROOT.iterdir():
        if path.is_file():
            shutil.copy2(path, dest / path.name)
    for name in packages:
        shutil.copytree(ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return dest


def _builds_without_index() -> bool:
    """Whether this environment has what setuptools needs to build a wheel offline."""
    try:
        setuptools_version = version("setuptools")
    except PackageNotFoundError:
        return False
    major_minor = tuple(int(part) for part in setuptools_version.split(".")[:2] if part.isdigit())
    # setuptools carries bdist_wheel itself from 70.1 on; before, the wheel package does.
    return major_minor >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _build_wheel(work: Path) -> Path:
    source = _copy_source(work / "source")
    wheelhouse = work / "wheelhouse"
    args = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheelhouse]
    offline = _builds_without_index()
    if offline:
        args.append("--no-build-isolation")
    proc = _run([*args, source], cwd=work)
    if proc.returncode != 0 and not offline and "satisfies the requirement" in proc.stdout + proc.stderr:
        need_service("building the wheel needs the package index, or setuptools and wheel "
                     "installed in this environment (pip install wheel)")
    _check(proc, "pip wheel")
    wheels = sorted(wheelhouse.glob("matchmaker-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _purelib(python: Path, cwd: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    return Path(_check(_run([python, "-c", code], cwd=cwd), "sysconfig").strip())


def _make_venv(work: Path, wheel: Path) -> Path:
    """A fresh venv holding only the wheel, seeing this environment's site-packages after its own."""
    venv = work / "venv"
    _check(_run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work), "python -m venv")
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # Installed before the dependencies become visible, so pip sees an empty environment.
    _check(_run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                 "--no-index", wheel], cwd=work), "pip install of the wheel")
    dependencies = [*site.getsitepackages()]
    if site.ENABLE_USER_SITE and os.path.isdir(site.getusersitepackages()):
        dependencies.append(site.getusersitepackages())
    (_purelib(python, work) / "_matchmaker_test_dependencies.pth").write_text(
        "".join(f"{path}\n" for path in dependencies), encoding="utf-8")
    return venv


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(work)
    venv = _make_venv(work, wheel)
    run_dir = work / "run"  # a cwd outside the checkout, so nothing is imported from it
    run_dir.mkdir()
    return {"wheel": wheel, "venv": venv, "run": run_dir, "work": work}


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def test_wheel_contains_the_seed_data_and_the_static_files(installed):
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = set(wheel.namelist())
    missing = _shipped_files() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    assert {"seeds/__init__.py", "static/__init__.py"} <= names
    assert not any("__pycache__" in name or name.startswith("tests/") for name in names)


def test_demo_runs_from_the_installed_wheel(installed):
    instance = installed["work"] / "instance"
    proc = _run([_bin(installed["venv"], "matchmaker"), "demo", "--no-serve"], cwd=installed["run"],
                MATCHMAKER_INSTANCE=str(instance))
    out = _check(proc, "matchmaker demo --no-serve")
    assert "Demo log-ins" in out and seeding.DEMO_PASSWORD in out
    for account in seeding.DEMO_ACCOUNTS:
        assert account["email"] in out
    chain_files = list((ROOT / "seeds" / "chains").glob("*.json"))
    with sqlite3.connect(instance / "matchmaker.sqlite") as db:
        chains = db.execute("select count(*) from chain_graph").fetchone()[0]
        enterprises = db.execute("select count(*) from enterprise").fetchone()[0]
        events = db.execute("select count(*) from event").fetchone()[0]
    assert chains >= len(chain_files) and enterprises >= 300 and events >= 1


_PROBE = """
import json, sys
import matchmaker, seeds, static
from matchmaker import create_app
from matchmaker.matching.glossary import default_glossary_dir, load_glossary
from matchmaker.package_data import seeds_dir, static_dir
from matchmaker.services.chains import read_seed_chains
from matchmaker.services.seeding import DEMO

client = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}).test_client()
css = client.get("/static/css/site.css")
js = client.get("/static/js/signup.js")
print(json.dumps({
    "modules": [matchmaker.__file__, seeds.__file__, static.__file__],
    "folders": [str(seeds_dir()), str(static_dir()), str(default_glossary_dir()), str(DEMO)],
    "chains": len(read_seed_chains()["chains"]),
    "glossary": len(load_glossary()),
    "css": [css.status_code, css.get_data(as_text=True)],
    "js": [js.status_code, js.get_data(as_text=True)],
    "package_module": client.get("/static/__init__.py").status_code,
}))
"""


def test_installed_package_reads_its_own_data(installed):
    venv = installed["venv"].resolve()
    proc = _run([_bin(installed["venv"], "python"), "-c", _PROBE], cwd=installed["run"],
                MATCHMAKER_INSTANCE=str(installed["work"] / "probe-instance"))
    report = json.loads(_check(proc, "probe").strip().splitlines()[-1])
    for path in report["modules"] + report["folders"]:
        assert Path(path).resolve().is_relative_to(venv), f"{path} is not from the installed wheel"
    assert report["chains"] >= len(list((ROOT / "seeds" / "chains").glob("*.json")))
    assert report["glossary"] > 100
    assert report["css"] == [200, (ROOT / "static/css/site.css").read_text(encoding="utf-8")]
    assert report["js"] == [200, (ROOT / "static/js/signup.js").read_text(encoding="utf-8")]
    assert report["package_module"] == 404
