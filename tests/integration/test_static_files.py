"""The shipped static files are served at /static; the data packages' own modules are not."""
from __future__ import annotations

from pathlib import Path

import pytest

from matchmaker import create_app
from matchmaker.matching.glossary import default_glossary_dir
from matchmaker.package_data import seeds_dir, static_dir
from matchmaker.services.chains import seed_files
from matchmaker.services.seeding import DEMO

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(tmp_path, monkeypatch):
    # Static files need no database, so one backend is enough.
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}).test_client()


@pytest.mark.parametrize("name", ["css/site.css", "css/accounts.css", "js/signup.js"])
def test_static_file_is_served_with_its_content(client, name):
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.get_data() == (static_dir() / name).read_bytes()
    assert response.cache_control.max_age == 3600
    response.close()


@pytest.mark.parametrize("url", ["/static/__init__.py", "/static/./__init__.py",
                                 "/static/css/../__init__.py", "/static/__pycache__/x.pyc",
                                 "/static/css/missing.css"])
def test_package_modules_and_missing_files_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_data_folders_hold_the_shipped_files():
    assert (static_dir() / "css" / "site.css").is_file()
    assert default_glossary_dir() == seeds_dir() / "glossary"
    assert sorted(default_glossary_dir().glob("*.tsv"))
    assert [p.name for p in seed_files()] == sorted(p.name for p in (ROOT / "seeds/chains").glob("*.json"))
    assert (DEMO / "enterprises.jsonl").is_file() and DEMO.parent == seeds_dir()


def test_the_site_has_an_icon_where_browsers_look_for_it(client):
    """Browsers ask for /favicon.ico first; a 404 there shows as an error in every console."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/img/favicon.svg")
    icon = client.get("/static/img/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.get_data()
    icon.close()

