"""The team page (/team/) and the services and prices page (/services/), in both languages, and
the "Book with" link into the booking flow with the therapist chosen."""

import html
import io
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from PIL import Image

from bookings.models import Service
from bookings.services import photos
from bookings.views.team import initials, languages_spoken
from tests.bookings.conftest import make_service, make_therapist

pytestmark = pytest.mark.django_db


def page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def article(body: str, element_id: str) -> str:
    """One therapist's or service's <article> on the page."""
    found = re.search(rf'<article[^>]* id="{element_id}".*?</article>', body, flags=re.S)
    assert found, f"no article #{element_id}"
    return found.group(0)


def add_photo(therapist, *, alt="Alex Rivera in the treatment room", alt_fr=""):
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1100), (40, 90, 160)).save(buffer, "JPEG")
    prepared = photos.prepare_photo(io.BytesIO(buffer.getvalue()))
    return photos.save_therapist_photo(
        therapist=therapist, prepared=prepared, alt_text_en=alt, alt_text_fr=alt_fr
    )


@pytest.fixture
def profiled(alex):
    alex.licence_number = "PT 123456 (CA)"
    alex.languages = "English, French"
    alex.special_interests_en = "Running injuries"
    alex.special_interests_fr = "Blessures de course"
    alex.bio_en = "Alex has treated runners for ten years."
    alex.bio_fr = "Alex soigne des coureurs depuis dix ans."
    alex.save()
    return alex


# --- the team page ---------------------------------------------------------------------------


def test_it_shows_each_active_therapist_with_their_profile(client, profiled, follow_up, massage):
    body = page(client.get("/team/"))
    card = article(body, f"therapist-{profiled.pk}")
    assert "Alex Rivera" in card and "DPT" in card
    assert "PT 123456 (CA)" in card
    assert "English, French" in card
    assert "Running injuries" in card
    assert "Alex has treated runners for ten years." in card
    assert "Follow up" in card and "Sports massage" in card
    assert f'href="/book/?therapist={profiled.pk}"' in card
    assert f"Book with {profiled.display_name}" in card


def test_it_lists_only_the_active_services_a_therapist_offers(client, alex, follow_up, massage):
    Service.objects.filter(pk=massage.pk).update(active=False)
    card = article(page(client.get("/team/")), f"therapist-{alex.pk}")
    assert "Follow up" in card and "Sports massage" not in card
    # One service left: the link goes straight to their days for it.
    assert f'href="/book/?service=follow-up&therapist={alex.pk}"' in card


def test_it_leaves_out_an_inactive_therapist(client, alex, follow_up):
    make_therapist("Casey Former", services_offered=[follow_up], active=False)
    body = page(client.get("/team/"))
    assert "Alex Rivera" in body and "Casey Former" not in body


def test_it_says_so_when_no_therapist_is_active(client, db):
    make_therapist("Casey Former", active=False)
    body = page(client.get("/team/"))
    assert "Our therapists’ profiles are not online at the moment" in body
    assert "Casey Former" not in body and "<article" not in body


def test_a_therapist_without_a_photo_gets_their_initials(client, alex):
    card = article(page(client.get("/team/")), f"therapist-{alex.pk}")
    assert '<div class="team-photo team-photo-placeholder" aria-hidden="true">' in card
    assert '<span class="team-initials">AR</span>' in card
    assert "<img" not in card and "<picture" not in card


def test_a_photo_is_a_picture_with_webp_and_jpeg_sources(client, alex, sam):
    photo = add_photo(alex)
    card = article(page(client.get("/team/")), f"therapist-{alex.pk}")
    base = f"/team/photos/{alex.pk}/{photo.digest}"
    assert "<picture" in card and "team-photo-placeholder" not in card
    assert (
        f'<source type="image/webp" srcset="{base}-160.webp 160w, {base}-320.webp 320w, '
        f'{base}-640.webp 640w" sizes="' in card
    )
    img = re.search(r"<img [^>]+>", card).group(0)
    assert f'src="{base}-320.jpg"' in img
    assert f'srcset="{base}-160.jpg 160w, {base}-320.jpg 320w, {base}-640.jpg 640w"' in img
    assert 'width="320" height="400"' in img and "sizes=" in img
    assert 'alt="Alex Rivera in the treatment room"' in img
    # Alex is first on the page: loaded at once, not lazily.
    assert "loading=" not in img
    for url in re.findall(r"(/team/photos/[^ \"]+)", card):
        assert client.get(url).status_code == 200


def test_photos_below_the_first_ones_load_lazily(client, follow_up):
    therapists = [make_therapist(f"Therapist {letter}") for letter in "ABCD"]
    for therapist in therapists:
        add_photo(therapist, alt=f"Photo of {therapist.display_name}")
    body = page(client.get("/team/"))
    images = re.findall(r"<img [^>]+>", body[body.index("team-list") :])
    assert ['loading="lazy"' in img for img in images] == [False, False, True, True]


def test_the_french_page_uses_the_french_alt_text_and_profile(client, profiled):
    add_photo(profiled, alt="Alex in the gym", alt_fr="Alex dans la salle de sport")
    body = page(client.get("/fr/team/"))
    card = article(body, f"therapist-{profiled.pk}")
    assert 'alt="Alex dans la salle de sport"' in card
    assert "Blessures de course" in card and "Alex soigne des coureurs" in card
    assert "Anglais, Français" in card
    assert "Prendre rendez-vous avec Alex Rivera" in card
    assert f'href="/fr/book/?therapist={profiled.pk}"' in card


def test_a_new_photo_shows_on_the_cached_team_page_at_once(client, alex, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    assert "team-photo-placeholder" in page(client.get("/team/"))
    add_photo(alex)
    assert "<picture" in page(client.get("/team/"))


def test_the_initials_skip_a_title_or_prefix():
    assert initials("Alex Rivera") == "AR"
    assert initials("Demo: Sam Okafor") == "SO"
    assert initials("Dr. Jordan van der Lee") == "JL"
    assert initials("Madonna") == "M"
    assert initials("élodie durand") == "ÉD"


def test_languages_are_named_in_the_pages_language():
    from django.utils import translation

    assert languages_spoken("English, french; Tagalog") == ["English", "French", "Tagalog"]
    with translation.override("fr"):
        assert languages_spoken("English, French, Klingon") == ["Anglais", "Français", "Klingon"]
    assert languages_spoken("") == []


# --- "Book with" -----------------------------------------------------------------------------


def test_book_with_offers_the_therapists_services_with_them_chosen(
    client, alex, follow_up, massage
):
    other = make_service("initial-assessment", minutes=60, name="Initial assessment")
    make_therapist("Sam Okafor", services_offered=[other])
    card = article(page(client.get("/team/")), f"therapist-{alex.pk}")
    link = re.search(r'<a class="btn btn-primary" href="([^"]+)">Book with', card).group(1)
    body = page(client.get(link))
    assert "You are booking with <strong>Alex Rivera, DPT</strong>" in body
    assert "Follow up" in body and "Sports massage" in body
    assert "Initial assessment" not in body  # Sam's, not Alex's
    # Choosing a service keeps Alex: the next step is Alex's days, not the therapist choice.
    choose = re.search(r'<a class="btn btn-primary" href="([^"]+)">Choose', body).group(1)
    assert choose == f"/book/?service=follow-up&therapist={alex.pk}"
    day_step = page(client.get(choose))
    assert "Step 3 of 6" in day_step
    assert re.search(r"<dt>Therapist</dt><dd>Alex Rivera, DPT", day_step)


def test_book_with_a_one_service_therapist_goes_straight_to_their_days(client, follow_up):
    casey = make_therapist("Casey Solo", services_offered=[follow_up])
    card = article(page(client.get("/team/")), f"therapist-{casey.pk}")
    link = re.search(r'href="(/book/[^"]+)"', card).group(1)
    body = page(client.get(html.unescape(link)))
    assert "Step 3 of 6" in body
    assert re.search(r"<dt>Therapist</dt><dd>Casey Solo, DPT", body)


def test_a_therapist_who_offers_nothing_has_no_book_link(client, db):
    casey = make_therapist("Casey Nothing")
    card = article(page(client.get("/team/")), f"therapist-{casey.pk}")
    assert "Book with" not in card


def test_a_therapist_that_does_not_offer_the_service_is_still_asked_again(client, alex):
    other = make_service("initial-assessment", minutes=60, name="Initial assessment")
    make_therapist("Sam Okafor", services_offered=[other])
    body = page(client.get(f"/book/?service=initial-assessment&therapist={alex.pk}"))
    assert "Alex Rivera does not offer that service; please choose again." in body
    assert "Step 2 of 6" in body


# --- the services page -----------------------------------------------------------------------


def test_it_shows_each_active_service_with_duration_price_and_who_offers_it(
    client, alex, follow_up, massage
):
    Service.objects.filter(pk=massage.pk).update(
        price=Decimal("95.00"), description_en="Soft tissue massage for recovery."
    )
    make_service("kinesio-taping", name="Kinesio taping", active=False)
    body = page(client.get("/services/"))
    card = article(body, "service-sports-massage")
    assert "45 minutes" in card
    assert "$95.00" in card
    assert "Soft tissue massage for recovery." in card
    assert f'href="/team/#therapist-{alex.pk}">Alex Rivera, DPT</a>' in card
    assert 'href="/book/?service=sports-massage"' in card
    assert "Kinesio taping" not in body


def test_the_book_link_opens_the_flow_with_the_service_chosen(client, alex, massage):
    card = article(page(client.get("/services/")), "service-sports-massage")
    link = re.search(r'<a class="btn btn-primary" href="([^"]+)">Book', card).group(1)
    body = page(client.get(link))
    assert "Step 2 of 6" in body
    assert re.search(r"<dt>Service</dt><dd>Sports massage", body)


def test_a_service_nobody_offers_says_to_call(client, alex):
    make_service("kinesio-taping", name="Kinesio taping")
    card = article(page(client.get("/services/")), "service-kinesio-taping")
    assert "Not bookable online at the moment." in card and "/book/" not in card


def test_it_says_so_when_no_service_is_active(client, db):
    make_service("kinesio-taping", name="Kinesio taping", active=False)
    body = page(client.get("/services/"))
    assert "Our services and prices are not online at the moment" in body


def test_the_french_page_shows_french_names_and_prices(client, alex, massage):
    Service.objects.filter(pk=massage.pk).update(
        name_fr="Massage sportif", price=Decimal("95.00"), description_fr="Massage des tissus."
    )
    body = page(client.get("/fr/services/"))
    card = article(body, "service-sports-massage")
    assert "Massage sportif" in card and "Sports massage" not in card
    assert "95,00\u00a0$" in card
    assert "45\u00a0minutes" in card
    assert "Massage des tissus." in card
    assert 'href="/fr/book/?service=sports-massage"' in card


@override_settings(PAGE_CACHE_SECONDS=3600)
def test_a_price_change_shows_on_the_cached_services_page_at_once(client, alex, massage):
    assert "$80.00" in page(client.get("/services/"))
    massage.price = Decimal("99.00")
    massage.save()
    assert "$99.00" in page(client.get("/services/"))


def test_the_pages_with_a_photo_are_valid_html(client, profiled, html_errors):
    add_photo(profiled)
    pages = {path: client.get(path) for path in ["/team/", "/fr/team/", "/services/"]}
    assert html_errors(pages) == []
