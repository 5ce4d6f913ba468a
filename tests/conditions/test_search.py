"""Searching the condition library: ranking, web-search syntax, snippets, misses, bad input."""

import re

import pytest
from django.test import Client

from conditions.models import Condition, RiskFactor, SearchMiss, SearchSynonyms
from conditions.search import search, suggestions_for
from conditions.snippets import marked
from tests.conditions.conftest import make_condition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_search_runs(settings):
    """Each request runs the search; the page cache's hits are tested in test_page_cache.py."""
    settings.PAGE_CACHE_SECONDS = 0


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


def test_marking_escapes_everything_but_its_own_marks():
    snippet = marked("<mark>fake</mark> Real & réal", [re.compile(r"\breal\w*")])
    assert str(snippet) == "&lt;mark&gt;fake&lt;/mark&gt; <mark>Real</mark> &amp; <mark>réal</mark>"


def test_html_in_the_query_is_shown_as_text(client):
    response = client.get("/search/", {"q": '<script>alert("x")</script>'})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_results_page_has_one_search_box_keeping_the_query(client):
    page = client.get("/search/", {"q": "calf"}).content.decode()
    assert page.count('type="search"') == 1
    assert re.search(r'id="search-page-q" name="q"[^>]*value="calf"', page)
    assert 'id="site-search-q"' in client.get("/conditions/").content.decode()  # elsewhere


def test_a_clear_typo_is_searched_for_as_meant_and_says_so(client, calf_cramps):
    response = client.get("/search/", {"q": "charly hors"})
    assert [c.title for c in response.context["outcome"].page] == ["Calf Cramps"]
    assert "Showing results for “charley hors”." in response.content.decode()
    assert "Showing results for" not in client.get("/search/", {"q": "calf"}).content.decode()


def test_did_you_mean_names_each_article_once(calf_cramps):
    # "leg cramp", "muscle cramp" and "calf cramps" are all close: one article.
    assert [(s.condition_title, s.url) for s in suggestions_for("leg crampz")] == [
        ("Calf Cramps", "/conditions/calf-cramps/")
    ]


def test_no_result_offers_a_way_forward(client, calf_cramps):
    page = client.get("/search/", {"q": "zzqxv"}).content.decode()
    assert "No conditions match “zzqxv”." in page
    assert 'href="/book/"' in page and "Book an assessment" in page
    assert '<a href="tel:+16508156552">' in page
    assert 'href="/conditions/?region=lower-leg"' in page  # Calf Cramps' region
    assert 'href="/conditions/?region=knee"' not in page  # nothing to read there
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
    assert second.context["outcome"].page.paginator.count == 25
    assert "Page 2 of 2" in second.content.decode()
    # Not a page number: the first page; past the last (or before the first): the last.
    for number, shown in [("zzz", 1), ("999", 2), ("0", 2), ("-3", 2), ("9" * 30, 2)]:
        response = client.get("/search/", {"q": "sprain", "page": number})
        assert response.status_code == 200, number
        assert response.context["outcome"].page.number == shown, number
        assert len(response.context["outcome"].page.object_list) == (20 if shown == 1 else 5)


def test_a_nul_character_in_the_query_is_not_a_server_error(client):
    response = client.get("/search/?q=calf%00cramp")
    assert response.status_code in (200, 400)


def test_a_sentence_finds_the_article_that_matches_every_word_that_matters(client):
    make_condition("Knee Pain", summary="Pain at the knee.", symptoms="Pain on stairs.")
    make_condition("Stair Falls", summary="Falls on stairs at home.")
    # "my", "really", "on" and "the" say nothing; knee, hurts (pain) and stairs do.
    assert result_titles(client, "my knee really hurts on the stairs") == ["Knee Pain"]


def test_when_no_article_has_every_word_the_one_with_most_of_them_comes_first(client):
    make_condition("Ankle Sprain", summary="A twisted ankle, swollen and bruised.")
    make_condition("Bruised Toe", summary="A bruised toe.")
    make_condition("Wrist Fracture", summary="A broken wrist.")
    # Nothing is about a bruised, swollen elbow; never "no results" while words match.
    assert result_titles(client, "bruised swollen elbow") == ["Ankle Sprain", "Bruised Toe"]


def test_a_vocabulary_edit_changes_the_results_of_the_next_search(client):
    make_condition("Plantar Fasciitis", summary="Pain under the heel.")
    assert result_titles(client, "zapato pain") == ["Plantar Fasciitis"]  # pain alone
    assert result_titles(client, "zapato") == []
    SearchSynonyms.objects.create(language="en", words=["zapato", "heel"])
    assert result_titles(client, "zapato") == ["Plantar Fasciitis"]
    SearchSynonyms.objects.filter(words__contains=["zapato"]).delete()
    assert result_titles(client, "zapato") == []


def test_a_synonym_written_with_search_syntax_is_searched_for_as_plain_words(client):
    # A search is one to_tsquery text of quoted words: quotes, backslashes and operators in
    # the vocabulary an editor writes are words to find, never syntax (or a database error).
    make_condition("Runner's Knee", summary="Pain around the kneecap's rim.")
    make_condition("Ankle Sprain", summary="A twisted ankle.")
    SearchSynonyms.objects.create(
        language="en", words=["zorgle", "kneecap's rim", "a\\b:* & !(x) | <->"]
    )
    assert result_titles(client, "zorgle") == ["Runner's Knee"]
    assert result_titles(client, "zorgle ankle") == ["Ankle Sprain", "Runner's Knee"]


def test_a_synonym_is_searched_for_in_the_patients_own_language_only(client):
    SearchSynonyms.ensure_defaults()  # the migration's rows (a flush between tests drops them)
    make_condition("Shin Splints", summary="Pain along the tibia.")
    SearchSynonyms.objects.create(language="fr", words=["tibia", "guibolle"])
    assert result_titles(client, "guibolle") == []  # an English page: English synonyms only
    assert result_titles(client, "shins") == ["Shin Splints"]  # the default English rows


def test_a_snippet_is_whole_sentences_from_a_capital_with_balanced_marks(client):
    make_condition(
        "Shin Splints",
        summary="Common in new runners.",
        overview=(
            "most runners get them once. The *shin* aches after a long run; rest helps.\n\n"
            "- pain that eases with rest"
        ),
    )
    snippet = str(client.get("/search/", {"q": "shin ache"}).context["outcome"].page[0].snippet)
    assert snippet == "The <mark>shin</mark> <mark>aches</mark> after a long run; rest helps."
    list_snippet = client.get("/search/", {"q": "eases"}).context["outcome"].page[0].snippet
    assert str(list_snippet) == "Pain that <mark>eases</mark> with rest"  # a list item, capitalised
    assert snippet.count("<mark>") == snippet.count("</mark>")


def test_each_result_shows_its_body_regions(client):
    make_condition("Shin Splints", regions=["lower-leg"])
    page = client.get("/search/", {"q": "shin"}).content.decode()
    assert re.search(r'class="result-regions[^"]*">Lower leg</p>', page)


def test_the_page_teaches_no_search_operators(client):
    page = client.get("/search/", {"q": "knee"}).content.decode()
    assert "OR" not in page.split("<main", 1)[1].split("</form>", 1)[0]
    assert "-surgery" not in page


def test_an_editor_keeps_the_vocabulary_in_the_admin(editor, client):
    editor_client = Client()
    editor_client.force_login(editor)
    make_condition("Plantar Fasciitis", summary="Pain under the heel.")
    response = editor_client.post(
        "/admin/conditions/searchsynonyms/add/",
        {"language": "en", "words": "zapato, heel", "note": "Spanish-speaking patients' word"},
    )
    assert response.status_code == 302
    assert result_titles(client, "zapato") == ["Plantar Fasciitis"]
    listing = editor_client.get("/admin/conditions/searchsynonyms/", {"q": "zapato"})
    assert listing.status_code == 200 and "zapato, heel" in listing.content.decode()
    missing = editor_client.get("/admin/conditions/searchsynonyms/", {"q": "nowhere"})
    assert "zapato, heel" not in missing.content.decode()


def test_a_language_without_its_own_search_is_searched_in_english(client):
    from django.utils import translation

    make_condition("Shin Splints", summary="Pain along the shin.")
    for code in ["en-us", "de", "fr-ca"]:
        with translation.override(code):
            outcome = search("shin")
        expected = ["Shin Splints"]
        assert [condition.title for condition in outcome.page] == expected, code


def test_a_french_snippet_names_risk_factors_in_french_and_english_where_untranslated(client):
    make_condition(
        "Shin Splints",
        title_fr="Périostite tibiale",
        summary_fr="Douleur le long du tibia.",
        risk_factors=["Hard running surfaces", "Sudden increase in training"],
        treatments=["Rest"],
    )
    RiskFactor.objects.filter(name_en="Hard running surfaces").update(name_fr="Sols durs")
    page = client.get("/fr/search/", {"q": "sols durs"}).content.decode()
    plain = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "Sols durs, Sudden increase in training." in plain  # the order of the article's list
    english = client.get("/search/", {"q": "hard surfaces"}).content.decode()
    assert "Hard running surfaces, Sudden increase in training." in re.sub(r"<[^>]+>", "", english)
