"""The one pagination partial every list includes."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def render(page_number, **context):
    page = Paginator(list(range(60)), 25).get_page(page_number)
    return render_to_string("partials/pagination.html", {"page": page, **context})


def test_it_links_both_ways_with_the_page_count():
    html = render(2)
    assert 'href="?page=1">Previous</a>' in html
    assert 'href="?page=3">Next</a>' in html
    assert "Page 2 of 3" in html
    assert 'aria-label="Pages"' in html


def test_lists_newest_first_say_newer_and_older_and_keep_their_filters():
    html = render(1, prefix="/agents/1/deployments/?tab=live&", newer_older=True)
    assert ">Newer<" not in html  # on the first page
    assert 'href="/agents/1/deployments/?tab=live&amp;page=2">Older</a>' in html


def test_it_swaps_in_place_with_htmx_when_given_a_target():
    html = render(1, hx_target="#version-list", push_url=True)
    assert (
        'hx-get="?page=2" hx-target="#version-list" hx-swap="outerHTML" hx-push-url="true"' in html
    )


def test_a_single_page_shows_nothing():
    page = Paginator(list(range(3)), 25).get_page(1)
    assert render_to_string("partials/pagination.html", {"page": page}).strip() == ""
