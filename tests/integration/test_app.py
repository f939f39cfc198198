"""The application factory, configuration and the home page."""
from __future__ import annotations

import pytest

from matchmaker import create_app
from matchmaker.models import Demand, Enterprise


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "inst"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = create_app()
    second = create_app()
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert first.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'matchmaker.sqlite'}"


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DATABASE_URL"].endswith("x.sqlite")
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert not (tmp_path / "secret_key").exists()


def test_home_page_lists_published_demands_in_chinese(client, db):
    ent = Enterprise(name="示范动力电池集团有限公司", uscc="914403001922038216", size="large")
    db.add(ent)
    db.flush()
    db.add(Demand(enterprise_id=ent.id, title="磷酸铁锂正极材料年度采购", status="published"))
    db.add(Demand(enterprise_id=ent.id, title="尚未发布的草稿需求", status="draft"))
    db.commit()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert "磷酸铁锂正极材料年度采购" in html
    assert "尚未发布的草稿需求" not in html


def test_home_page_has_an_empty_state(client):
    html = client.get("/").get_data(as_text=True)
    assert "暂无公开需求" in html


def test_english_on_request(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "Latest demands" in html


def test_unknown_page_is_a_friendly_404(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "页面不存在" in page.get_data(as_text=True)


@pytest.mark.parametrize("lang, title", [("zh", "<title>融通对接平台 · Matchmaker</title>"),
                                         ("en", "<title>Supply-chain matchmaking · Matchmaker</title>")])
def test_home_page_title_names_the_site_once_and_describes_it(client, lang, title):
    html = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert title in html and html.count("Matchmaker · Matchmaker") == 0
    assert '<meta name="description" content="' in html and 'rel="icon"' in html
