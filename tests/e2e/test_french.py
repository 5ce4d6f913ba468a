"""The French pages in headless Chromium, as a French-speaking patient meets them: a whole
booking on a phone from a French condition page to the French email and manage page, the
language switcher, and the booking steps at phone and desktop widths (screenshots under
test-artifacts/french-*.png, to look at after the run).

Every check names concrete French words: an untranslated string, a lost `/fr/` prefix or an
English time format fails here, not only a missing page.
"""

import re
from datetime import datetime, time
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from bookings.models import Appointment
from conditions import demo_fr
from conditions.models import Condition
from tests.bookings.conftest import (
    LA,
    make_appointment,
    make_service,
    make_therapist,
    next_weekday_after,
)
from tests.conftest import has_horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRENCH_DAY = r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
FRENCH_MONTH = (
    r"(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
)
# "lundi 7 décembre 2026, 9 h 00–9 h 30 heure du Pacifique": the first time a therapist
# working from 9:00 offers, a 30-minute follow-up.
FRENCH_WHEN = (
    rf"{FRENCH_DAY} \d{{1,2}}(er)? {FRENCH_MONTH} \d{{4}}, 9 h 00–9 h 30 heure du Pacifique"
)
# English a French page's <main> must not show.
ENGLISH_WORDS = re.compile(
    r"\b(Book an appointment|Choose|Step \d|Pacific time|AM|PM|Your appointment|Continue|"
    r"Confirm|Back to|Next week|Any therapist|Morning|Afternoon|Monday|December)\b"
)


@pytest.fixture
def french_clinic(settings, live_server):
    """The clinic's own calf-cramps article with its French (as `load_demo` writes it), one
    service and one therapist who works every day."""
    settings.SITE_URL = live_server.url
    seed = Path(__file__).resolve().parents[1] / "conditions" / "data" / "calf-cramps.txt"
    call_command("import_condition", str(seed), "--publish", stdout=StringIO())
    condition = Condition.objects.get(slug_en="calf-cramps")
    for field, value in demo_fr.CONDITIONS["calf-cramps"].items():
        setattr(condition, f"{field}_fr", value)
    condition.save()
    follow_up = make_service("follow-up", minutes=30, name="Follow-up")
    therapist = make_therapist("Demo: Alex Rivera", services_offered=[follow_up])
    return condition, therapist


def plain(words: str) -> str:
    """French typography's no-break spaces (before ":", in "9 h 00") as plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", words)


def text(locator) -> str:
    """What the patient reads, no-break spaces as plain ones."""
    return plain(locator.inner_text())


def clipped(page) -> list[str]:
    """Visible buttons, links styled as buttons, headings and labels whose text is wider than
    their box: French is longer than English, and a cut-off "Confirmer la réservation" is not
    caught by the page's own overflow."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              'main .btn, main h1, main h2, main h3, main label, .site-nav .nav-link-item,'
              + ' .booking-progress li, .booking-day')]
            .filter(el => el.offsetParent !== null && el.clientWidth > 0
                          && el.scrollWidth > el.clientWidth + 1)
            .map(el => el.textContent.trim())"""
    )


def check_french(page, name, *, heading=None):
    """A French page: lang="fr", no English left in it, nothing overflowing or cut off."""
    screenshot(page, f"french-{name}")
    assert page.locator("html").get_attribute("lang") == "fr", name
    main = text(page.locator("main"))
    assert not ENGLISH_WORDS.search(main), (name, ENGLISH_WORDS.search(main).group(0))
    if heading:
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), name
    # The clinic's own words around every page: its French tagline, not the English.
    frame = text(page.locator("header.site-header")) + text(page.locator("footer.site-footer"))
    assert "Prévention et rééducation des blessures du sport" in frame, name
    assert "Sports Injury Prevention" not in frame and "Voted Best" not in frame, name
    assert "Rechercher une affection" in frame, name
    assert not has_horizontal_overflow(page), name
    assert clipped(page) == [], name
    assert page.console_errors == [], name


def book_in_french(page, width) -> str:
    """From the French condition page to the confirmed page; returns the time chosen."""
    assert page.locator("h1").inner_text() == "Crampes au mollet"
    check_french(page, f"{width}-0-condition")
    page.get_by_role("link", name="Prendre rendez-vous : Crampes au mollet").click()
    page.wait_for_url("**/fr/book/?condition=crampes-au-mollet")
    assert page.locator("h1").inner_text() == "Prendre rendez-vous"
    assert "Étape 1 sur 6 : Prestation" in text(page.locator("main"))
    assert "Vous prenez rendez-vous pour Crampes au mollet." in text(page.locator("main"))
    assert "30 minutes · 80,00 $" in text(page.locator("main"))
    check_french(page, f"{width}-1-service", heading="Choisissez une prestation")

    page.get_by_role("link", name="Choisir Follow-up").click()
    check_french(page, f"{width}-2-therapist", heading="Choisissez un thérapeute")

    page.get_by_role("link", name="N’importe quel thérapeute").click()
    check_french(page, f"{width}-3-day", heading="Choisissez un jour")
    assert re.search(
        rf"Semaine du {FRENCH_DAY} \d{{1,2}}(er)? {FRENCH_MONTH} \d{{4}}",
        text(page.locator("main")),
    )

    # Next week: far enough ahead that the patient may still change it online.
    page.get_by_role("link", name="Semaine suivante").click()
    assert page.get_by_role("link", name="Semaine précédente").is_visible()
    page.locator("a.booking-day").first.click()
    main = text(page.locator("main"))
    assert "Fuseau horaire : heure du Pacifique." in main
    assert "Matin" in main and "Après-midi" in main
    times = [re.sub(r"\s", " ", t) for t in page.locator(".booking-times a").all_inner_texts()]
    assert times[0] == "9 h 00"
    assert "13 h 00" in times
    assert all(re.fullmatch(r"\d{1,2} h \d\d", t) for t in times), times
    assert re.search(rf"Choisissez un horaire le {FRENCH_DAY} \d", main)
    check_french(page, f"{width}-4-time")
    chosen = times[0]
    page.locator(".booking-times a").first.click()

    assert page.get_by_label(
        "Quel est le motif de votre rendez-vous ? (facultatif)"
    ).input_value() == ("Crampes au mollet")
    assert re.search(FRENCH_WHEN.replace("–9 h 30", ""), text(page.locator("main")))
    check_french(page, f"{width}-5-details", heading="Vos coordonnées")
    page.get_by_label("Vos prénom et nom").fill("Pat Example")
    page.get_by_label("E-mail").fill("pas-une-adresse")
    page.get_by_label("Téléphone").fill("+1 650 555 0100")
    page.get_by_role("button", name="Continuer vers la vérification").click()
    assert "Saisissez une adresse de courriel valide." in text(page.locator("main"))
    check_french(page, f"{width}-6-details-error")
    page.get_by_label("E-mail").fill("pat@example.com")
    page.get_by_role("button", name="Continuer vers la vérification").click()

    review = text(page.locator("main"))
    assert (
        "Follow-up dure 30 minutes, 9 h 00–9 h 30 heure du Pacifique, et coûte 80,00 $." in review
    )
    assert re.search(FRENCH_WHEN.replace("–9 h 30", ""), review)
    check_french(page, f"{width}-7-review", heading="Vérifier et confirmer")
    page.get_by_label("J’accepte que la clinique").check()
    page.get_by_role("button", name="Confirmer la réservation").click()

    page.wait_for_url("**/fr/book/confirmed/")
    confirmed = text(page.locator("main"))
    assert "Nous avons envoyé une confirmation à pat@example.com" in confirmed
    assert re.search(FRENCH_WHEN, confirmed)
    check_french(page, f"{width}-8-confirmed", heading="Votre rendez-vous est réservé")
    return chosen


def test_a_french_patient_books_on_a_phone_and_manages_it_from_the_french_email(
    open_page, french_clinic
):
    condition, therapist = french_clinic
    page = open_page("/fr/conditions/crampes-au-mollet/", width=360, height=800)
    chosen = book_in_french(page, 360)

    appointment = Appointment.objects.get()
    assert appointment.language == "fr"
    assert appointment.condition == condition and appointment.therapist == therapist

    (message,) = mail.outbox
    subject = plain(message.subject)
    assert subject.startswith("Rendez-vous réservé : Follow-up, ")
    assert re.search(
        r", [a-zé]{3,4}\. \d{1,2} [a-zéû]{3,5}\.?, 9 h 00 — Sports Medicine$", subject
    ), subject
    body = plain(message.body)
    assert body.startswith("Bonjour Pat Example,\n")
    assert "Votre rendez-vous chez Sports Medicine est réservé." in body
    assert re.search(FRENCH_WHEN, body)
    assert "Pour consulter, déplacer ou annuler ce rendez-vous :" in body
    assert not re.search(r"\b(Hello|booked|Pacific time|AM|PM)\b", body)
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert "Consulter, déplacer ou annuler ce rendez-vous</a>" in html
    link = re.search(r"http://\S+/appointments/[\w-]+/", body).group(0)
    assert urlsplit(link).path == f"/fr/appointments/{appointment.manage_token}/"

    (attachment,) = message.attachments
    assert attachment[0] == "appointment.ics"
    (event,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Follow-up avec Demo: Alex Rivera"
    assert "Consulter, déplacer ou annuler : " + link in plain(str(event["DESCRIPTION"]))

    page.goto(link)
    manage = text(page.locator("main"))
    assert "Réservé." in manage
    assert re.search(FRENCH_WHEN, manage) and chosen in manage
    assert (
        "Vous pouvez le déplacer ou l’annuler en ligne jusqu’à 24 heures avant le début." in manage
    )
    assert page.get_by_role("link", name="Déplacer à un autre horaire").is_visible()
    check_french(page, "360-9-manage", heading="Votre rendez-vous")

    page.get_by_role("link", name="Annuler ce rendez-vous").click()
    check_french(page, "360-10-cancel-confirm", heading="Annuler ce rendez-vous ?")
    page.get_by_role("button", name="Oui, l’annuler").click()
    assert "Ce rendez-vous est annulé." in text(page.locator("main"))
    check_french(page, "360-11-cancelled")
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    cancelled = mail.outbox[1]
    assert not cancelled.subject.startswith(("Cancelled", "Your"))
    assert cancelled.body.startswith("Bonjour Pat Example,")
    assert "Votre rendez-vous chez Sports Medicine est annulé" in cancelled.body
    assert f"{urlsplit(link).netloc}/fr/book/" in cancelled.body


def test_the_french_booking_steps_fit_a_desktop(open_page, french_clinic):
    page = open_page("/fr/conditions/crampes-au-mollet/", width=1280)
    book_in_french(page, 1280)
    assert Appointment.objects.get().language == "fr"


def query_of(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def test_the_language_switcher_keeps_the_page_and_the_booking_choices(open_page, french_clinic):
    # A condition page: each language's own slug.
    page = open_page("/fr/conditions/crampes-au-mollet/", width=360)
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(re.compile(r":\d+/conditions/calf-cramps/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Calf Cramps"
    page.get_by_role("link", name="Français", exact=True).click()
    page.wait_for_url(re.compile(r"/fr/conditions/crampes-au-mollet/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Crampes au mollet"

    # A booking step reached in French: the same step, and the same choices, in English.
    page.get_by_role("link", name="Prendre rendez-vous : Crampes au mollet").click()
    page.get_by_role("link", name="Choisir Follow-up").click()
    page.get_by_role("link", name="N’importe quel thérapeute").click()
    page.get_by_role("link", name="Semaine suivante").click()
    page.locator("a.booking-day").first.click()
    page.locator(".booking-times a").first.click()
    page.wait_for_url(re.compile(r"/fr/book/details/\?"))
    french_query = query_of(page)
    assert {"service", "therapist", "start", "condition"} <= french_query.keys()
    assert "9 h 00 heure du Pacifique" in text(page.locator("main"))

    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(re.compile(r":\d+/book/details/\?"))
    assert query_of(page) == french_query
    assert page.locator("html").get_attribute("lang") == "en"
    english = page.locator("main").inner_text()
    assert "Step 5 of 6: Your details" in english
    assert "9:00 AM Pacific time" in english
    assert "Calf Cramps" in english
    assert page.get_by_label("Your full name").is_visible()
    screenshot(page, "french-switch-details-en")

    page.get_by_role("link", name="Français", exact=True).click()
    page.wait_for_url(re.compile(r"/fr/book/details/\?"))
    assert query_of(page) == french_query
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Étape 5 sur 6 : Vos coordonnées" in text(page.locator("main"))
    assert "Crampes au mollet" in text(page.locator("main"))
    assert page.get_by_label("Vos prénom et nom").is_visible()


def test_switching_language_keeps_the_condition_being_booked_about(open_page, french_clinic):
    """The booking link carries the page's own slug (?condition=crampes-au-mollet); the
    switcher keeps it, and the other language's booking page still finds the article."""
    page = open_page("/fr/book/?condition=crampes-au-mollet", width=360)
    assert "Vous prenez rendez-vous pour Crampes au mollet." in text(page.locator("main"))
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(re.compile(r":\d+/book/\?condition=crampes-au-mollet$"))
    screenshot(page, "french-switch-condition-en")
    english = page.locator("main").inner_text()
    assert "We could not find that condition" not in english
    assert "You are booking about Calf Cramps." in english

    page.goto(page.url.replace("crampes-au-mollet", "calf-cramps"))
    page.get_by_role("link", name="Français", exact=True).click()
    page.wait_for_url(re.compile(r"/fr/book/\?condition=calf-cramps$"))
    french = text(page.locator("main"))
    assert "Nous n’avons pas trouvé" not in french
    assert "Vous prenez rendez-vous pour Crampes au mollet." in french


def test_a_french_time_is_never_split_across_lines(open_page, french_clinic):
    _, therapist = french_clinic
    starts_at = datetime.combine(next_weekday_after(5, weekday=0), time(9), tzinfo=LA)
    appointment = make_appointment(
        therapist=therapist,
        service=therapist.services.get(),
        starts_at=starts_at,
        language="fr",
    )
    page = open_page(f"/fr/appointments/{appointment.manage_token}/", width=360)
    assert "9 h 00–9 h 30 heure du Pacifique" in text(page.locator("main"))
    split = []
    for width in range(300, 481, 4):
        page.set_viewport_size({"width": width, "height": 800})
        if page.evaluate(SPLIT_TIMES):
            if not split or width == 360:
                screenshot(page, f"french-split-time-{width}")
            split.append(width)
    assert split == []


# Whether a time in <main> ("9 h 00"; JavaScript's \\s is any space, no-break ones too) takes
# more than one line box.
SPLIT_TIMES = """() => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const split = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\d{1,2}\\sh\\s\\d\\d/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
      if (tops.size > 1) split.push(match[0]);
    }
  }
  return split.length > 0;
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_french_search_placeholder_is_not_cut_off(open_page, french_clinic, width):
    page = open_page("/fr/book/", width=width)
    fits = page.evaluate(
        """() => {
          const input = document.querySelector('#site-search-q');
          const style = getComputedStyle(input);
          const context = document.createElement('canvas').getContext('2d');
          context.font = style.font;
          const room = input.clientWidth - parseFloat(style.paddingLeft)
                       - parseFloat(style.paddingRight);
          return [input.placeholder, context.measureText(input.placeholder).width <= room];
        }"""
    )
    assert fits == ["Rechercher, p. ex. crampe", True]
