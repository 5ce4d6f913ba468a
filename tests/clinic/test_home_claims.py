"""What the home page and an article say about review follows the data, never more."""

import html
import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from conditions.models import Condition
from tests.conditions.conftest import make_condition

pytestmark = pytest.mark.django_db

REVIEWED = {"last_reviewed": date(2026, 3, 2), "reviewed_by": "Jane Doe, PT, DPT"}


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def home_text(client) -> str:
    return text_of(client.get("/").content.decode())


def review_line(page: str) -> str:
    found = re.search(r'<p class="review-line">.*?</p>', page, re.DOTALL)
    return text_of(found.group(0)) if found else ""


def test_it_claims_no_review_while_one_published_article_is_unreviewed(client):
    make_condition("Shin Splints", featured=True, **REVIEWED)
    make_condition("Calf Cramps", featured=True)
    page = home_text(client)
    assert "reviewed" not in page.lower()
    assert "Clear guides to sports injuries, and online booking" in page


def test_it_claims_no_review_when_the_reviewer_is_not_named(client):
    make_condition("Shin Splints", featured=True, last_reviewed=date(2026, 3, 2))
    assert "reviewed" not in home_text(client).lower()


def test_it_says_the_guides_are_reviewed_when_every_published_one_is(client):
    make_condition("Shin Splints", featured=True, **REVIEWED)
    make_condition("Calf Cramps", **REVIEWED)
    # A draft is not on the site: it does not take the claim away.
    make_condition("Knee Pain", status=Condition.Status.DRAFT)
    page = home_text(client)
    assert "reviewed by our physical therapists" in page
    assert "Every guide is reviewed by our physical therapists." in page


def test_it_makes_no_claim_about_a_library_with_no_articles(client):
    assert "reviewed" not in home_text(client).lower()


def test_the_home_page_claims_in_french_what_it_claims_in_english(client):
    make_condition("Shin Splints", featured=True, **REVIEWED)
    assert "relus par nos kinésithérapeutes" in text_of(client.get("/fr/").content.decode())


def test_the_article_names_its_reviewer_and_the_date_when_both_are_set(client):
    make_condition("Shin Splints", **REVIEWED)
    page = client.get("/conditions/shin-splints/").content.decode()
    assert review_line(page) == "Reviewed by Jane Doe, PT, DPT on March 2, 2026"
    assert '<time datetime="2026-03-02">March 2, 2026</time>' in page


def test_the_article_gives_the_review_date_alone_when_no_reviewer_is_named(client):
    make_condition("Shin Splints", last_reviewed=date(2026, 3, 2))
    page = client.get("/conditions/shin-splints/").content.decode()
    assert review_line(page) == "Last reviewed March 2, 2026"
    assert "Reviewed by" not in page


def test_an_unreviewed_article_says_when_it_was_published_and_claims_no_review(client):
    published_at = timezone.make_aware(datetime(2026, 1, 15, 12, 0))
    make_condition("Shin Splints", published_at=published_at)
    page = client.get("/conditions/shin-splints/").content.decode()
    assert review_line(page) == "Published January 15, 2026"
    assert "reviewed" not in text_of(page).lower()


def test_an_unreviewed_article_with_no_dates_has_no_review_line(client):
    make_condition("Shin Splints")
    page = client.get("/conditions/shin-splints/").content.decode()
    assert review_line(page) == ""
    assert "Not yet reviewed" not in page
