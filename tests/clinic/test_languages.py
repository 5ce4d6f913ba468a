"""English and French: the same site at two sets of URLs, each page linking to the other."""

import html
import re
from xml.etree import ElementTree

import polib
import pytest
from django.test import Client

from tests.clinic.test_translations import CATALOGUE
from tests.pages import FRENCH_PAGES

pytestmark = pytest.mark.django_db

SWITCHER = re.compile(r'<a class="nav-link-item nav-language" href="([^"]*)" hreflang="(\w+)"')
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]*)">')


def html_lang(response) -> str:
    return re.search(r'<html lang="([\w-]+)"', response.content.decode()).group(1)


def switcher(response) -> dict[str, str]:
    return {code: href for href, code in SWITCHER.findall(response.content.decode())}


def alternates(response) -> dict[str, str]:
    return dict(ALTERNATE.findall(response.content.decode()))


@pytest.mark.parametrize(
    ("english", "french", "french_text"),
    [
        ("/", "/fr/", "Prendre rendez-vous"),
        ("/conditions/", "/fr/conditions/", "Affections de A à Z"),
        ("/conditions/calf-cramps/", "/fr/conditions/crampes-au-mollet/", "Crampes au mollet"),
        ("/risk-factors/dehydration/", "/fr/risk-factors/dehydration/", "Déshydratation"),
        ("/book/", "/fr/book/", "Prendre rendez-vous"),
    ],
)
def test_each_public_page_is_in_both_languages_and_links_to_the_other(
    client, demo_data, english, french, french_text
):
    en, fr = client.get(english), client.get(french)
    assert (en.status_code, fr.status_code) == (200, 200)
    assert (html_lang(en), html_lang(fr)) == ("en", "fr")
    assert (en["Content-Language"], fr["Content-Language"]) == ("en", "fr")
    assert french_text in fr.content.decode() and french_text not in en.content.decode()
    assert switcher(en) == {"fr": french} and switcher(fr) == {"en": english}
    absolute = {"en": f"http://testserver{english}", "fr": f"http://testserver{french}"}
    assert alternates(en) == alternates(fr) == {**absolute, "x-default": absolute["en"]}


def test_the_browsers_language_never_moves_a_page_to_the_other_language(demo_data):
    french_browser = Client(headers={"accept-language": "fr-FR,fr;q=0.9"})
    response = french_browser.get("/conditions/calf-cramps/")
    assert response.status_code == 200 and html_lang(response) == "en"
    assert "Accept-Language" not in response.get("Vary", "")
    english_browser = Client(headers={"accept-language": "en-US"})
    assert html_lang(english_browser.get("/fr/conditions/crampes-au-mollet/")) == "fr"


def test_the_switcher_keeps_the_booking_choices(client, demo_data):
    response = client.get("/fr/book/", {"condition": "calf-cramps"})
    assert response.status_code == 200
    assert switcher(response) == {"en": "/book/?condition=calf-cramps"}
    assert switcher(client.get("/book/", {"condition": "calf-cramps"})) == {
        "fr": "/fr/book/?condition=calf-cramps"
    }


def test_an_article_is_reached_by_either_slug_and_settles_on_its_own(client, demo_data):
    response = client.get("/fr/conditions/calf-cramps/")
    assert response.status_code == 301
    assert response["Location"] == "/fr/conditions/crampes-au-mollet/"
    response = client.get("/conditions/crampes-au-mollet/")
    assert response.status_code == 301 and response["Location"] == "/conditions/calf-cramps/"
    assert client.get("/fr/conditions/no-such-thing/").status_code == 404


def test_an_article_without_french_shows_the_english_under_a_notice(client, demo_data):
    from conditions.models import Condition

    Condition.objects.filter(slug_en="calf-cramps").update(
        title_fr=None, slug_fr=None, overview_fr=None, summary_fr=None
    )
    response = client.get("/fr/conditions/calf-cramps/")
    assert response.status_code == 200 and html_lang(response) == "fr"
    page = response.content.decode()
    assert "pas encore entièrement traduit" in page
    assert '<h1 id="condition-title" lang="en">Calf Cramps</h1>' in page
    overview = page[page.index('id="overview"') :]
    assert overview.index("En anglais") < overview.index('<div lang="en">')
    # What is translated stays French: the causes section still is.
    assert "Causes et facteurs de risque" in page
    assert switcher(response) == {"en": "/conditions/calf-cramps/"}
    assert client.get("/conditions/calf-cramps/").content.decode().count("pas encore") == 0


def test_staff_pages_have_one_language_and_no_switcher(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/schedule/clinic/")
    assert response.status_code == 200 and html_lang(response) == "en"
    assert switcher(response) == {} and alternates(response) == {}
    assert client.get("/fr/schedule/clinic/").status_code == 404
    assert client.get("/fr/admin/").status_code == 404


def test_the_sitemap_lists_every_page_in_both_languages_with_its_alternates(client, demo_data):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespaces = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    urls = ElementTree.fromstring(response.content).findall("s:url", namespaces)
    by_location = {
        url.find("s:loc", namespaces).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespaces)
        }
        for url in urls
    }
    english = "http://testserver/conditions/calf-cramps/"
    french = "http://testserver/fr/conditions/crampes-au-mollet/"
    assert (
        by_location[english]
        == by_location[french]
        == {
            "en": english,
            "fr": french,
            "x-default": english,
        }
    )
    assert "http://testserver/fr/" in by_location and "http://testserver/" in by_location
    assert not any("/schedule/" in location for location in by_location)


@pytest.mark.parametrize("query", ["crampe mollet", "crampes au mollet", "mollet crampé", "MOLLET"])
def test_french_search_finds_the_article_whatever_the_accents_and_endings(client, demo_data, query):
    response = client.get("/fr/search/", {"q": query})
    assert response.status_code == 200
    titles = [condition.title for condition in response.context["outcome"].page]
    assert titles[0] == "Crampes au mollet"


def test_french_search_ranks_a_title_match_above_a_mention(client, demo_data):
    # "cheville" is the title of Entorse de la cheville, and only mentioned in others.
    response = client.get("/fr/search/", {"q": "cheville"})
    titles = [condition.title for condition in response.context["outcome"].page]
    assert titles[0] == "Entorse de la cheville" and len(titles) > 1
    # The English search knows nothing of French words.
    assert not client.get("/search/", {"q": "cheville"}).context["outcome"].found


def test_times_are_written_the_french_way_on_french_pages():
    from datetime import UTC, datetime

    from django.utils import translation

    from clinic import clock

    moment = datetime(2026, 12, 15, 17, 0, tzinfo=UTC)  # 9:00 in the clinic's Pacific zone
    with translation.override("fr"):
        # No-break spaces: "9 h 00" is never split across two lines.
        assert clock.zoned_time_label(moment) == "9\u00a0h\u00a000 heure du Pacifique"
        assert clock.moment_label(moment) == "mar. 15 déc., 9\u00a0h\u00a000"
    assert clock.zoned_time_label(moment) == "9:00 AM Pacific time"


def visible_text(response) -> str:
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


@pytest.mark.parametrize("path", FRENCH_PAGES)
def test_no_english_is_left_on_a_french_page(client, demo_data, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    text = visible_text(response)
    english = {
        entry.msgid
        for entry in polib.pofile(str(CATALOGUE))
        if len(entry.msgid) >= 12 and "%" not in entry.msgid and entry.msgstr != entry.msgid
    }
    left = sorted(msgid for msgid in english if msgid in text)
    assert left == []
    # Strings nobody marked: common English words between French ones.
    words = set(re.findall(r"\b[a-z]+\b", text.lower()))
    assert words & {"the", "your", "and", "with", "this", "book", "please"} == set()


@pytest.mark.parametrize(
    "path", ["/fr/book/?condition=crampes-au-mollet", "/book/?condition=crampes-au-mollet"]
)
def test_a_booking_started_from_a_french_article_keeps_it_in_either_language(
    client, demo_data, path
):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Crampes au mollet" in page or "Calf Cramps" in page
    assert "could not find that condition" not in page
    assert "pas trouvé cette affection" not in page
