"""Searching the condition library: ranking, web-search syntax, snippets, misses, bad input."""

import re

import pytest

from conditions.models import Condition, SearchMiss
from conditions.search import MARK_START, safe_snippet
from tests.conditions.conftest import make_condition

pytestmark = pytest.mark.django_db


def result_titles(client, query) -> list[str]:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [condition.title for condition in response.context["outcome"].page or []]


def test_a_title_match_ranks_first(client, calf_cramps):
    make_condition(
        "Night Pain",
        summary="Aching legs at night.",
        overview="A cramp in the calf can wake you. Calf cramps are common in older runners.",
    )
    make_condition("Shin Splints", risk_factors=["Calf muscle cramps"])
    titles = result_titles(client, "calf cramps")
    assert titles[0] == "Calf Cramps"
    assert set(titles) == {"Calf Cramps", "Night Pain", "Shin Splints"}


def test_dehydration_finds_calf_cramps_through_its_risk_factor(client, calf_cramps):
    make_condition("Ankle Sprain", overview="Rolling the ankle.")
    response = client.get("/search/", {"q": "dehydration"})
    assert result_titles(client, "dehydration") == ["Calf Cramps"]
    assert "<mark>Dehydration</mark>" in response.content.decode()


def test_a_lay_term_finds_its_condition(client, calf_cramps):
    assert result_titles(client, "charley horse") == ["Calf Cramps"]


def test_web_search_syntax_phrases_or_and_minus(client):
    make_condition("Ankle Sprain", overview="Rolled ankle on uneven ground.")
    make_condition("Knee Sprain", overview="Twisted knee while skiing.")
    make_condition("Wrist Fracture", overview="A fall on the outstretched hand.")
    assert set(result_titles(client, "sprain")) == {"Ankle Sprain", "Knee Sprain"}
    assert result_titles(client, "sprain -knee") == ["Ankle Sprain"]
    assert set(result_titles(client, "skiing OR fracture")) == {"Knee Sprain", "Wrist Fracture"}
    assert result_titles(client, '"uneven ground"') == ["Ankle Sprain"]
    assert result_titles(client, '"ground uneven"') == []


def test_drafts_never_appear_in_results(client):
    make_condition("Secret Sprain", status=Condition.Status.DRAFT)
    assert result_titles(client, "sprain") == []


def test_snippets_highlight_matches_and_escape_the_article_text(client):
    make_condition(
        "Odd Sprain",
        slug="odd",
        summary="A <b>bold</b> claim & a <script>alert(1)</script> about the sprain.",
    )
    page = client.get("/search/", {"q": "sprain"}).content.decode()
    assert "<mark>sprain</mark>" in page
    assert "bold&lt;/b&gt; claim &amp; a &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Risk factors:" not in page  # it has none
    assert "<script>alert(1)" not in page


def test_a_snippet_says_each_thing_once_in_plain_words(client):
    summary = "Night cramps wake runners."
    make_condition(
        "Night Cramps",
        alternate_names=["sleep cramps"],
        summary=summary,
        overview=f"{summary} They are common.\n\n- **Stretch** the calf\n- Drink water",
    )
    response = client.get("/search/", {"q": "cramps stretch"})
    snippet = str(response.context["outcome"].page[0].snippet)
    assert snippet.count("wake runners") == 1  # the article repeats its summary; the snippet not
    assert "Also known as" not in snippet  # shown on its own line above the snippet
    assert "Also known as: sleep <mark>cramps</mark>" in response.content.decode()
    assert "**" not in snippet and "- " not in snippet
    assert "<mark>Stretch</mark> the calf" in snippet


def test_the_snippet_escaper_only_turns_its_own_markers_into_mark():
    snippet = safe_snippet(f"<mark>fake</mark> {MARK_START}real\ue001hl-stop\ue001 &")
    assert str(snippet) == "&lt;mark&gt;fake&lt;/mark&gt; <mark>real</mark> &amp;"


def test_html_in_the_query_is_shown_as_text(client):
    response = client.get("/search/", {"q": '<script>alert("x")</script>'})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_header_search_box_keeps_the_query(client):
    page = client.get("/search/", {"q": "calf"}).content.decode()
    assert re.search(r'id="site-search-q" name="q"[^>]*value="calf"', page)


def test_no_result_suggests_close_titles_and_alternate_names(client, calf_cramps):
    page = client.get("/search/", {"q": "charly hors"}).content.decode()
    assert "No conditions match “charly hors”." in page
    assert re.search(
        r'Did you mean\s*<a href="/conditions/calf-cramps/">charley horse</a> \(Calf Cramps\)\?',
        page,
    )
    assert 'href="/conditions/"' in page


def test_every_search_without_results_is_counted(client):
    make_condition("Ankle Sprain")
    client.get("/search/", {"q": "Tennis  Elbow"})
    client.get("/search/", {"q": "tennis elbow"})
    client.get("/search/", {"q": "ankle"})
    miss = SearchMiss.objects.get()
    assert miss.query == "tennis elbow"
    assert miss.count == 2
    assert miss.last_seen >= miss.first_seen


@pytest.mark.parametrize(
    "query",
    ["", "   ", "x" * 5000, "<script>", "the", '"unclosed', "a & b | !c :* <-> (", "-", "é漢字🙂"],
)
def test_bad_or_odd_queries_never_fail(client, query):
    make_condition("Ankle Sprain")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_an_empty_query_is_not_recorded_as_a_miss(client):
    client.get("/search/", {"q": "  "})
    client.get("/search/")
    assert SearchMiss.objects.count() == 0


def test_a_very_long_query_is_cut_to_200_characters(client):
    client.get("/search/", {"q": "y" * 5000})
    assert SearchMiss.objects.get().query == "y" * 200


def test_results_are_paged(client):
    for number in range(25):
        make_condition(f"Sprain {number:02}")
    first = client.get("/search/", {"q": "sprain"})
    second = client.get("/search/", {"q": "sprain", "page": "2"})
    assert len(first.context["outcome"].page.object_list) == 20
    assert len(second.context["outcome"].page.object_list) == 5
    assert "Page 1 of 2" in first.content.decode()
    assert client.get("/search/", {"q": "sprain", "page": "zzz"}).status_code == 200
    assert client.get("/search/", {"q": "sprain", "page": "999"}).status_code == 200


def test_a_nul_character_in_the_query_is_not_a_server_error(client):
    response = client.get("/search/?q=calf%00cramp")
    assert response.status_code in (200, 400)
