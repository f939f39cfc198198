"""One page of a longer list, as the site, the API and the services count it."""
from matchmaker.paging import Page, page_of


def test_a_list_is_cut_into_pages():
    items = list(range(45))
    first, last = page_of(items, per_page=20, page=1), page_of(items, per_page=20, page=3)
    assert first.items == list(range(20)) and first.pages == 3 and not first.has_prev and first.has_next
    assert last.items == list(range(40, 45)) and last.has_prev and not last.has_next
    assert page_of(items, per_page=20, page=9).items == []


def test_an_empty_list_still_has_one_page():
    page = Page(items=[], page=1, per_page=20, total=0)
    assert page.pages == 1 and not page.has_next and not page.has_prev
