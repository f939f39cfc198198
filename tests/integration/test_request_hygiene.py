"""Hostile URLs get a clear 4xx answer, never a server error."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", [
    "/demands/99999999999999999999",
    "/capabilities/99999999999999999999",
    "/events/99999999999999999999",
])
def test_oversized_ids_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/demands/?q=%00", "/capabilities/?q=%00", "/search/?q=a%00b"])
def test_nul_in_a_query_is_a_bad_request(client, url):
    page = client.get(url)
    assert page.status_code == 400
    assert "请求无效" in page.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/demands/?page=100000000000000000000",
    "/capabilities/?page=100000000000000000000",
    "/events/?page=100000000000000000000",
    "/capabilities/?size=huge",
])
def test_absurd_filters_still_answer(client, url):
    assert client.get(url).status_code == 200
