"""The chain upload reads the file's encoding as the record readers do, and refuses what
it cannot read with a message on the page, never garbled text or a server error."""
from __future__ import annotations

import copy
import io
import json

import pytest

from matchmaker.services import chains as chain_service
from tests.integration import helpers as h


@pytest.fixture
def admin_client(client, db):
    chain_service.store_chains(db, h.dev_chains())
    admin = h.user(db, role="admin")
    db.commit()
    h.login(client, admin)
    return client


def _upload(client, body: bytes, name="chains.json"):
    return client.post("/chains/upload", data={"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def _renamed_chains() -> dict:
    document = copy.deepcopy(h.dev_chains())
    pv = next(c for c in document["chains"] if c["id"] == "pv")
    pv["nodes"][0]["name"] = "多晶硅料（改良西门子法）"
    return document


def test_gb18030_chains_file_is_read_correctly_and_applied(admin_client, db):
    body = json.dumps(_renamed_chains(), ensure_ascii=False, indent=1).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # the file really is not UTF-8
    page = _upload(admin_client, body)
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "多晶硅料（改良西门子法）" in html
    assert "\ufffd" not in html
    assert "GB18030" in html  # the page says how the file was read
    token = html.split("/chains/upload/")[1].split('"')[0]
    assert admin_client.post(f"/chains/upload/{token}").status_code == 302
    db.expire_all()
    G = chain_service.current_graph(db)
    first = _renamed_chains()["chains"][0]["nodes"][0]["id"]
    assert G.nodes[first]["name"] == "多晶硅料（改良西门子法）"


def test_utf8_file_with_bom_reads_without_a_note(admin_client):
    body = b"\xef\xbb\xbf" + json.dumps(_renamed_chains(), ensure_ascii=False).encode("utf-8")
    page = _upload(admin_client, body)
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "多晶硅料（改良西门子法）" in html and "GB18030" not in html


@pytest.mark.parametrize("body", [
    json.dumps(h.dev_chains(), ensure_ascii=False).encode("utf-16"),  # starts with FF FE
    b'{"chains": [{"id": "x", "name": "caf\xe9 \xff"}]}',
])
def test_file_in_neither_encoding_is_refused_with_a_clear_message(admin_client, db, body):
    before = sorted(chain_service.current_graph(db).nodes)
    page = _upload(admin_client, body)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "无法读取文件" in html and "UTF-8" in html and "GB18030" in html
    assert "\ufffd" not in html
    db.expire_all()
    assert sorted(chain_service.current_graph(db).nodes) == before


# Bodies stay under 500 KB: the test client spools larger ones to a temporary file it never closes.
@pytest.mark.parametrize("body", [
    b"[" * 100_000,
    b'{"chains": ' * 40_000,
    "{\"链\": [".encode("gb18030") * 40_000,
])
def test_deeply_nested_upload_is_a_clear_error(admin_client, body):
    page = _upload(admin_client, body)
    assert page.status_code == 422
    assert "nested too deeply" in page.get_data(as_text=True)


def test_deep_value_inside_a_valid_document_is_reported_not_a_crash(admin_client):
    document = h.dev_chains()
    deep = []
    for _ in range(900):
        deep = [deep]
    document["chains"][0]["nodes"][0]["keywords"] = deep
    page = _upload(admin_client, json.dumps(document).encode("gb18030"))
    assert page.status_code == 422


@pytest.mark.parametrize("body", [b"", b"chains.json", b"/etc/hostname", b"   "])
def test_upload_that_is_not_json_is_reported_never_read_as_a_file_name(admin_client, body):
    page = _upload(admin_client, body)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "malformed JSON" in html
