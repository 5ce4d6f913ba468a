"""The review page's cancellation terms and privacy consent: a tick is required to book online,
and the appointment records which privacy notice was agreed to, and when."""

import re
from datetime import datetime, time

import pytest
from django.utils import timezone

from bookings import services
from bookings.forms import format_start
from bookings.models import Appointment, BookingRules, Patient
from bookings.templatetags.patient_tags import cancellation_terms_text
from clinic.models import Page
from tests.bookings.conftest import LA, confirm_form, make_user, next_weekday_after

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Pat Example",
    "email": "pat@example.com",
    "phone_country": "US",
    "phone": "(650) 555-0100",
    "reason": "Cramp in the calf at night",
}
CONSENT = (
    "I agree to the clinic using the health information I give here to arrange and provide my care"
)
CONSENT_ERROR = "Please tick the box to agree to how the clinic uses your information"


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)


@pytest.fixture
def query(alex, follow_up, start):
    return f"?service=follow-up&therapist={alex.pk}&start={format_start(start)}"


@pytest.fixture(autouse=True)
def no_policy_pages(db):
    """Each test publishes the pages it needs (a migration may have written default ones)."""
    Page.objects.filter(slug__in=[Page.PRIVACY, Page.CANCELLATION]).delete()


def publish(slug, *, version=1, title="Notice"):
    page = Page.objects.create(
        slug=slug, title=title, body="The text.", status=Page.Status.PUBLISHED
    )
    Page.objects.filter(pk=page.pk).update(version=version)
    return page


def review_page(client, query, prefix=""):
    response = client.post(f"{prefix}/book/details/{query}", DETAILS)
    assert response.status_code == 302, response.content.decode()
    review = client.get(f"{prefix}/book/review/{query}")
    assert review.status_code == 200
    return review.content.decode()


def test_it_states_the_cancellation_terms_and_links_the_published_policies(client, query):
    publish(Page.PRIVACY)
    publish(Page.CANCELLATION)
    body = review_page(client, query)
    assert "Free to cancel or move until 24 hours before your appointment." in body
    assert 'href="/cancellation-policy/"' in body
    assert 'href="/privacy/"' in body
    assert f"{CONSENT}, as the privacy notice explains." in body
    assert re.search(r'<input class="form-check-input" type="checkbox" name="consent"', body)


def test_it_never_links_a_policy_page_that_is_not_published(client, query):
    Page.objects.create(slug=Page.PRIVACY, title="Draft", body="x", status=Page.Status.DRAFT)
    body = review_page(client, query)
    assert 'href="/privacy/"' not in body and 'href="/cancellation-policy/"' not in body
    # The consent is still asked, in words that stand on their own.
    assert f"{CONSENT}.</label>" in body
    assert "privacy notice explains" not in body
    fields = confirm_form(body, consent=False)
    response = client.post(f"/book/review/{query}", fields)
    assert response.status_code == 200 and CONSENT_ERROR in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (24, "Free to cancel or move until 24 hours before your appointment."),
        (1, "Free to cancel or move until 1 hour before your appointment."),
        (0, "Free to cancel or move until your appointment starts."),
    ],
)
def test_it_says_the_cutoff_in_plain_words_whatever_the_number(client, query, hours, words):
    rules = BookingRules.load()
    rules.cancellation_cutoff_hours = hours
    rules.save()
    assert cancellation_terms_text(hours) == words
    assert words in review_page(client, query)


def test_it_books_nothing_without_the_tick_and_keeps_everything_typed(
    client, query, mailoutbox, django_capture_on_commit_callbacks
):
    publish(Page.PRIVACY)
    body = review_page(client, query)
    fields = confirm_form(body, consent=False)
    assert "consent" not in fields
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/book/review/{query}", fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert CONSENT_ERROR in page and "Nothing has been booked yet." in page
    assert 'aria-invalid="true"' in page
    # Every detail is still on the page, and the same form books once ticked.
    assert "Pat Example" in page and "pat@example.com" in page and "+1 650-555-0100" in page
    assert "Cramp in the calf at night" in page
    assert not Appointment.objects.exists() and not Patient.objects.exists()
    assert mailoutbox == []
    again = confirm_form(page)
    assert again["booking"] == fields["booking"]  # the same signed booking, the same key
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/book/review/{query}", again)
    assert response.status_code == 302 and response["Location"] == "/book/confirmed/"
    assert Appointment.objects.count() == 1 and len(mailoutbox) == 1


def test_an_untouched_box_posted_as_anything_but_ticked_is_refused(client, query):
    fields = confirm_form(review_page(client, query), consent=False)
    response = client.post(f"/book/review/{query}", {**fields, "consent": ""})
    assert response.status_code == 200
    assert not Appointment.objects.exists()


def test_it_records_the_privacy_notice_version_and_when_it_was_agreed_to(client, query, start):
    publish(Page.PRIVACY, version=3)
    fields = confirm_form(review_page(client, query))
    before = timezone.now()
    response = client.post(f"/book/review/{query}", fields)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.privacy_version == 3
    assert before <= appointment.privacy_agreed_at <= timezone.now()


def test_without_a_published_notice_it_records_the_time_and_no_version(client, query):
    response = client.post(f"/book/review/{query}", confirm_form(review_page(client, query)))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.privacy_version is None
    assert appointment.privacy_agreed_at is not None


def test_a_front_desk_booking_records_no_consent(alex, follow_up, start):
    appointment = services.book_appointment(
        service=follow_up,
        therapist=alex,
        starts_at=start,
        patient=Patient.objects.create(name="Caller", email="c@example.com", phone="+16505550100"),
        source=Appointment.Source.FRONT_DESK,
        notify=False,
    )
    appointment.refresh_from_db()
    assert appointment.privacy_version is None and appointment.privacy_agreed_at is None


def test_no_preference_records_the_consent_too(client, follow_up, alex, start):
    publish(Page.PRIVACY, version=2)
    query = f"?service=follow-up&therapist=any&start={format_start(start)}"
    response = client.post(f"/book/review/{query}", confirm_form(review_page(client, query)))
    assert response.status_code == 302
    assert Appointment.objects.get().privacy_version == 2


def test_the_french_page_asks_and_refuses_in_french(client, query):
    publish(Page.PRIVACY)
    publish(Page.CANCELLATION)
    body = review_page(client, query, prefix="/fr")
    assert "Annulation ou changement gratuits jusqu’à 24 heures avant votre rendez-vous." in body
    assert "J’accepte que la clinique utilise les informations de santé" in body
    assert 'href="/fr/privacy/"' in body and 'href="/fr/cancellation-policy/"' in body
    response = client.post(f"/fr/book/review/{query}", confirm_form(body, consent=False))
    assert response.status_code == 200
    assert "Veuillez cocher la case" in response.content.decode()
    assert not Appointment.objects.exists()
    client.post(f"/fr/book/review/{query}", confirm_form(body))
    assert Appointment.objects.get().language == "fr"


def test_the_admin_shows_the_consent_read_only(client, query, alex, follow_up):
    publish(Page.PRIVACY, version=4)
    client.post(f"/book/review/{query}", confirm_form(review_page(client, query)))
    appointment = Appointment.objects.get()
    desk = make_user("desk", groups=["Front desk"], staff=True)
    client.force_login(desk)
    body = client.get(f"/admin/bookings/appointment/{appointment.pk}/change/").content.decode()
    assert "Privacy version" in body and '<div class="readonly">4</div>' in body
    assert "Privacy agreed at" in body
    assert 'name="privacy_version"' not in body and 'name="privacy_agreed_at"' not in body


def test_the_review_page_with_its_error_is_valid_html(client, query, html_errors):
    publish(Page.PRIVACY)
    publish(Page.CANCELLATION)
    body = review_page(client, query)
    pages = {
        "review": client.get(f"/book/review/{query}"),
        "review-consent-error": client.post(
            f"/book/review/{query}", confirm_form(body, consent=False)
        ),
    }
    assert html_errors(pages) == []
