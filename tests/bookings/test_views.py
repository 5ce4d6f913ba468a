"""The patient's booking flow at /book/, step by step, through the Django test client."""

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from bookings.forms import format_start
from bookings.models import Appointment, Patient, TimeOff
from bookings.views import SESSION_DETAILS
from conditions.models import Condition
from tests.bookings.conftest import (
    LA,
    confirm_booking,
    confirm_form,
    make_appointment,
    make_therapist,
    next_weekday_after,
)

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Pat Example",
    "email": "pat@example.com",
    "phone": "+1 650 555 0100",
    "reason": "Cramp in the calf at night",
}
OTHER_DETAILS = {
    "name": "Bea Other",
    "email": "bea@example.com",
    "phone": "+1 415 555 0199",
    "reason": "Sore knee",
}
OUT_OF_DATE = "This page was out of date, so nothing was booked."


@pytest.fixture
def day():
    return next_weekday_after(5, weekday=1)  # a Tuesday, well past notice and cut-off


@pytest.fixture
def start(day):
    return datetime.combine(day, time(10), tzinfo=LA)


def flow(service, therapist, start=None, **extra):
    params = {
        "service": service.slug,
        "therapist": therapist if isinstance(therapist, str) else therapist.pk,
    }
    if start is not None:
        params["start"] = format_start(start)
    params.update(extra)
    return "?" + "&".join(f"{key}={value}" for key, value in params.items())


def page(response):
    return response.content.decode()


def test_step_one_lists_the_services_that_can_be_booked(client, alex, follow_up, massage):
    response = client.get("/book/")
    assert response.status_code == 200
    body = page(response)
    assert "Choose a service" in body
    assert 'href="/book/?service=follow-up"' in body
    assert 'href="/book/?service=sports-massage"' in body


def test_step_two_offers_each_therapist_and_no_preference(client, alex, follow_up, massage):
    make_therapist("Jordan Lee", services_offered=[massage])
    body = page(client.get("/book/?service=follow-up"))
    assert "Choose a therapist" in body
    assert "Alex Rivera, DPT" in body and "Jordan Lee" not in body
    assert f"therapist={alex.pk}" in body and "therapist=any" in body


def test_step_three_shows_a_week_of_days_with_free_times(client, alex, follow_up, day):
    week = day - timedelta(days=day.weekday())
    body = page(client.get(f"/book/?service=follow-up&therapist={alex.pk}&week={week}"))
    assert "Choose a day" in body
    assert f"day={day.isoformat()}" in body
    assert "26 times" in body  # 11 before lunch + 15 after
    assert "Next week" in body and "Previous week" in body


def day_list(body: str) -> list[str]:
    """Each day of the week shown, with its count ("Tuesday 12 January 26 times")."""
    days = re.findall(r'class="booking-day[^"]*"[^>]*>(.*?)</(?:a|span)>\s*</li>', body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", found).split()) for found in days]


@pytest.mark.parametrize("weeks_away", [1, 4])
def test_step_three_opens_on_the_first_week_with_a_free_time(client, alex, follow_up, weeks_away):
    """Away this week and the next three: it opens on the week back, found past the first two
    weeks looked at first, with the same days and counts as that week opened by its link."""
    today = timezone.now().astimezone(LA).date()
    back = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_away)
    TimeOff.objects.create(
        therapist=alex,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=datetime.combine(back, time(0), tzinfo=LA),
    )
    opened = page(client.get(f"/book/?service=follow-up&therapist={alex.pk}"))
    linked = page(client.get(f"/book/?service=follow-up&therapist={alex.pk}&week={back}"))
    assert f"day={back.isoformat()}" in opened
    assert day_list(opened) == day_list(linked) and len(day_list(opened)) == 7
    assert "26 times" in day_list(opened)[1]  # the Tuesday back


def test_step_four_lists_times_in_the_clinic_zone_and_says_so(client, alex, follow_up, day, start):
    body = page(client.get(f"/book/?service=follow-up&therapist={alex.pk}&day={day}"))
    assert "Times are Pacific time." in body
    assert ">10:00 AM<" in body and ">12:00 PM<" not in body
    assert f"start={format_start(start)}" in body
    assert "/book/details/?" in body


def test_no_preference_shows_every_therapists_times(client, alex, follow_up, day):
    make_therapist("Sam Okafor", services_offered=[follow_up], hours=[(time(18), time(19))])
    body = page(client.get(f"/book/?service=follow-up&therapist=any&day={day}"))
    assert ">9:00 AM<" in body and ">6:00 PM<" in body


def test_the_whole_flow_books_once_and_redirects_to_the_confirmation(
    client, alex, follow_up, start, mailoutbox, django_capture_on_commit_callbacks
):
    details_url = "/book/details/" + flow(follow_up, alex, start)
    assert client.get(details_url).status_code == 200
    response = client.post(details_url, DETAILS)
    assert response.status_code == 302
    assert response["Location"] == "/book/review/" + flow(follow_up, alex, start)
    review = client.get(response["Location"])
    assert "Pat Example" in page(review) and "Confirm booking" in page(review)
    assert Appointment.objects.count() == 0  # nothing written before the confirm

    fields = confirm_form(page(review))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], fields)
    assert response.status_code == 302 and response["Location"] == "/book/confirmed/"
    appointment = Appointment.objects.get()
    assert appointment.starts_at == start and appointment.therapist == alex
    assert appointment.patient.email == "pat@example.com"
    assert appointment.reason == DETAILS["reason"]
    assert len(mailoutbox) == 1

    confirmed = client.get("/book/confirmed/")
    body = page(confirmed)
    assert "Your appointment is booked" in body
    assert f"/appointments/{appointment.manage_token}/" in body
    assert "Pacific time" in body
    assert confirmed["Referrer-Policy"] == "no-referrer"
    assert "no-store" in confirmed["Cache-Control"]
    # Submitting the confirm again (a double click) does not book twice.
    client.post("/book/review/" + flow(follow_up, alex, start), fields)
    assert Appointment.objects.count() == 1


NEVER_STORED = {"no-store", "no-cache", "must-revalidate", "private", "max-age=0"}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_the_pages_with_a_patients_details_are_never_stored(client, alex, follow_up, start):
    query = flow(follow_up, alex, start)
    typed = client.post("/book/details/" + query, {**DETAILS, "email": "not-an-email"})
    assert typed.status_code == 200 and "Pat Example" in page(typed)
    client.post("/book/details/" + query, DETAILS)
    responses = {
        "details with errors": typed,
        "details": client.get("/book/details/" + query),
        "review": client.get("/book/review/" + query),
    }
    confirm_booking(client, query)
    responses["confirmed"] = client.get("/book/confirmed/")
    for name, response in responses.items():
        assert response.status_code == 200, name
        assert cache_control(response) >= NEVER_STORED, name
        assert "Expires" in response, name


def test_the_confirmed_page_stops_showing_the_manage_link_after_a_while(
    client, alex, follow_up, start, monkeypatch
):
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    fields = review_fields(client, follow_up, alex, start)
    client.post("/book/review/" + flow(follow_up, alex, start), fields)
    token = Appointment.objects.get().manage_token
    assert f"/appointments/{token}/" in page(client.get("/book/confirmed/"))

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=16))
    later = page(client.get("/book/confirmed/"))
    assert "Your appointment is booked" in later and "pat@example.com" in later
    assert "Follow up" in later
    assert "use the link in the confirmation email" in later
    assert token not in later
    # Sending the confirm form again (Back, then resubmit) does not bring the link back.
    again = client.post("/book/review/" + flow(follow_up, alex, start), fields)
    assert again["Location"] == "/book/confirmed/"
    assert token not in page(client.get("/book/confirmed/"))


def review_fields(client, service, therapist, start) -> dict:
    """What the review page's confirm form posts (the session's details, signed)."""
    return confirm_form(page(client.get("/book/review/" + flow(service, therapist, start))))


def review_key(client, service, therapist, start) -> str:
    """The one-time key inside the review page's signed confirm value."""
    from django.core import signing

    from bookings.forms import REVIEW_SALT

    value = review_fields(client, service, therapist, start)["booking"]
    return signing.loads(value, salt=REVIEW_SALT)["submission"]


def confirm_fields(service, therapist, start, key) -> dict:
    """A confirm form as it was before it was signed: plain fields and a key."""
    therapist = therapist if isinstance(therapist, str) else therapist.pk
    return {
        "service": service.slug,
        "therapist": therapist,
        "start": format_start(start),
        "submission": key,
    }


def test_each_review_page_has_its_own_one_time_key(client, alex, follow_up, start):
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    first = review_key(client, follow_up, alex, start)
    second = review_key(client, follow_up, alex, start)
    assert len(first) == 32 and first != second


def test_a_repeated_confirm_shows_the_booking_it_made(client, alex, follow_up, start):
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    fields = review_fields(client, follow_up, alex, start)
    first = client.post("/book/review/", fields)
    assert first.status_code == 302 and first["Location"] == "/book/confirmed/"
    booked = Appointment.objects.get()
    # The second click arrives after the first cleared the details from the session: before
    # the key, it was sent back to the details form as if nothing had been booked.
    again = client.post("/book/review/", fields)
    assert again.status_code == 302 and again["Location"] == "/book/confirmed/"
    assert booked.manage_token in page(client.get("/book/confirmed/"))
    assert Appointment.objects.count() == 1


def test_someone_elses_key_or_a_made_up_one_confirms_nothing(client, alex, follow_up, start):
    other = make_appointment(
        therapist=alex, service=follow_up, starts_at=start, submission_key="s" * 32
    )
    # A key outside the signed confirm value books nothing and shows nothing.
    for key in ["s" * 31, "<script>" * 4, "x" * 5000, "s" * 32 + "'"]:
        response = client.post("/book/review/", confirm_fields(follow_up, alex, start, key))
        assert response.status_code == 302
        assert response["Location"] != "/book/confirmed/", key
    assert other.manage_token not in page(client.get("/book/confirmed/", follow=True))
    assert Appointment.objects.count() == 1


def test_a_cancelled_booking_is_not_shown_again_by_its_key(client, alex, follow_up, start):
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    fields = review_fields(client, follow_up, alex, start)
    client.post("/book/review/", fields)
    client.post(f"/appointments/{Appointment.objects.get().manage_token}/cancel/")
    assert Appointment.objects.get().status == "cancelled"
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    response = client.post("/book/review/", fields)  # the old form, submitted again
    assert response.status_code == 409
    assert "This booking has already been made." in page(response)
    assert Appointment.objects.count() == 1


def test_a_review_page_books_the_patient_it_showed_after_another_tab_changed_the_details(
    client, alex, follow_up, start, mailoutbox, django_capture_on_commit_callbacks
):
    # One browser, two tabs: A reaches the review page; then B types someone else's details,
    # which replace A's in the session; then A's "Confirm booking" is pressed.
    tab_a = flow(follow_up, alex, start)
    client.post("/book/details/" + tab_a, DETAILS)
    form_a = confirm_form(page(client.get("/book/review/" + tab_a)))
    tab_b = flow(follow_up, alex, start + timedelta(hours=1))
    client.post("/book/details/" + tab_b, OTHER_DETAILS)
    form_b = confirm_form(page(client.get("/book/review/" + tab_b)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/review/" + tab_a, form_a)
    assert response.status_code == 302 and response["Location"] == "/book/confirmed/"
    booked = Appointment.objects.get()
    assert booked.starts_at == start
    assert (booked.patient.name, booked.patient.email, booked.patient.phone) == (
        "Pat Example",
        "pat@example.com",
        "+16505550100",  # stored in E.164
    )
    assert booked.reason == "Cramp in the calf at night"
    assert not Patient.objects.filter(email="bea@example.com").exists()
    (message,) = mailoutbox
    assert message.to == ["pat@example.com"]
    assert "Bea" not in message.body and "415 555 0199" not in message.body
    # B's details are still B's: tab B's page books B at B's time.
    client.post("/book/review/" + tab_b, form_b)
    other = Appointment.objects.get(patient__email="bea@example.com")
    assert other.starts_at == start + timedelta(hours=1) and other.reason == "Sore knee"


@pytest.mark.parametrize(
    "case", ["missing", "tampered", "forged", "expired", "another_page", "old_form"]
)
def test_a_confirm_form_that_is_not_its_pages_own_books_nothing(
    client, alex, follow_up, start, monkeypatch, case
):
    from django.core import signing

    query = flow(follow_up, alex, start)
    client.post("/book/details/" + query, DETAILS)
    fields = confirm_form(page(client.get("/book/review/" + query)))
    url = "/book/review/" + query
    if case == "missing":
        del fields["booking"]
    elif case == "tampered":
        value = fields["booking"]
        fields["booking"] = value[:5] + ("A" if value[5] != "A" else "B") + value[6:]
    elif case == "forged":
        fields["booking"] = signing.dumps({"details": OTHER_DETAILS}, salt="another.salt")
    elif case == "expired":
        real_time = signing.time.time
        monkeypatch.setattr(signing.time, "time", lambda: real_time() + 5 * 3600)
    elif case == "another_page":
        # This page's form, sent to the review page of another time.
        url = "/book/review/" + flow(follow_up, alex, start + timedelta(hours=1))
    elif case == "old_form":
        fields = confirm_fields(follow_up, alex, start, "k" * 32)
    response = client.post(url, fields)
    assert response.status_code == 302
    assert response["Location"] != "/book/confirmed/"
    monkeypatch.undo()
    assert OUT_OF_DATE in page(client.get(response["Location"], follow=True))
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


PATIENT_REFUSED = (
    "We could not book that time. Please choose another time. If you already have an "
    "appointment then, we have emailed its details to the address you gave."
)


def test_booking_a_time_an_email_already_holds_reveals_nothing_and_tells_its_owner(
    client, alex, follow_up, start, mailoutbox, django_capture_on_commit_callbacks
):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    condition = Condition.objects.create(
        title="Knee Pain", slug="knee-pain", status=Condition.Status.PUBLISHED
    )
    held = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=start,
        reason="Private trouble",
        condition=condition,
    )  # pat@example.com, "Pat Example"
    probe = {**OTHER_DETAILS, "email": "PAT@Example.com"}
    client.post("/book/details/" + flow(follow_up, sam, start + timedelta(minutes=15)), probe)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_booking(client, flow(follow_up, sam, start + timedelta(minutes=15)))
    assert response.status_code == 409
    body = page(response)
    assert PATIENT_REFUSED in body
    for secret in [
        "already have an appointment at this time",
        "Alex Rivera",
        "Pat Example",
        "10:00 AM–10:30 AM",
        "Private trouble",
        held.manage_token,
    ]:
        assert secret not in body, secret
    assert Appointment.objects.get() == held  # nothing booked
    # The address's owner hears of it, about their own appointment, and nothing of its health.
    (notice,) = mailoutbox
    assert notice.to == ["pat@example.com"]
    assert notice.subject.startswith("Someone tried to book a time you already have — ")
    assert "Hello Pat Example," in notice.body and "Bea" not in notice.body
    assert "10:15 AM" in notice.body and "10:00 AM–10:30 AM" in notice.body
    assert f"/appointments/{held.manage_token}/" in notice.body
    for private in ["Private trouble", "Knee Pain"]:
        assert private not in notice.body and private not in notice.alternatives[0][0]
    assert notice.attachments == []


def test_a_refusal_about_the_patient_reads_the_same_whatever_the_email_holds(
    client, alex, follow_up, start
):
    # An appointment at exactly that time, or one that only overlaps it: the page is the same.
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    make_appointment(therapist=alex, service=follow_up, starts_at=start, email="a@example.com")
    make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=start + timedelta(hours=4, minutes=15),
        email="b@example.com",
    )
    pages = []
    for email, at in [("a@example.com", start), ("b@example.com", start + timedelta(hours=4))]:
        query = flow(follow_up, sam, at)
        client.post("/book/details/" + query, {**OTHER_DETAILS, "email": email})
        response = confirm_booking(client, query)
        assert response.status_code == 409
        message = re.search(r'<div class="alert[^>]*>(.*?)</div>', page(response), re.S)[1]
        pages.append(message)
    assert pages[0] == pages[1] and PATIENT_REFUSED in pages[0]
    assert Appointment.objects.count() == 2


def test_the_owner_is_told_once_an_hour_however_often_a_stranger_tries(
    client, alex, follow_up, start, mailoutbox, django_capture_on_commit_callbacks
):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    make_appointment(therapist=alex, service=follow_up, starts_at=start)
    query = flow(follow_up, sam, start)
    client.post("/book/details/" + query, {**OTHER_DETAILS, "email": "pat@example.com"})
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert confirm_booking(client, query).status_code == 409
    assert len(mailoutbox) == 1


def test_no_preference_books_a_free_therapist(client, alex, follow_up, start):
    sam = make_therapist("Sam Okafor", services_offered=[follow_up])
    make_appointment(therapist=alex, service=follow_up, starts_at=start, email="a@example.com")
    client.post("/book/details/" + flow(follow_up, "any", start), DETAILS)
    response = confirm_booking(client, flow(follow_up, "any", start))
    assert response.status_code == 302
    assert Appointment.objects.get(patient__email="pat@example.com").therapist == sam


def test_going_back_keeps_the_choices_and_the_details(client, alex, follow_up, start):
    details_url = "/book/details/" + flow(follow_up, alex, start, condition="")
    client.post(details_url, DETAILS)
    body = page(client.get(details_url))
    assert 'value="Pat Example"' in body and 'value="pat@example.com"' in body
    assert "Cramp in the calf at night" in body
    # Every "change" link carries what was already chosen.
    review = page(client.get("/book/review/" + flow(follow_up, alex, start)))
    assert f"/book/?service=follow-up&amp;therapist={alex.pk}&amp;day=" in review
    assert "/book/?service=follow-up&amp;therapist=any" not in review
    assert f'href="/book/details/?service=follow-up&amp;therapist={alex.pk}' in review


def test_a_condition_pre_fills_the_reason_and_is_linked(client, alex, follow_up, start):
    condition = Condition.objects.create(
        title="Calf cramps", slug="calf-cramps", status=Condition.Status.PUBLISHED
    )
    body = page(client.get("/book/?condition=calf-cramps"))
    assert "Calf cramps" in body and "service=follow-up&amp;condition=calf-cramps" in body
    details_url = "/book/details/" + flow(follow_up, alex, start, condition="calf-cramps")
    assert "\nCalf cramps</textarea>" in page(client.get(details_url))
    client.post(details_url, {**DETAILS, "reason": "Calf cramps"})
    confirm_booking(client, flow(follow_up, alex, start, condition="calf-cramps"))
    appointment = Appointment.objects.get()
    assert appointment.condition == condition and appointment.reason == "Calf cramps"


def test_the_time_just_booked_by_someone_else_shows_the_nearest_free_times(
    client, alex, follow_up, start
):
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    fields = review_fields(client, follow_up, alex, start)
    make_appointment(therapist=alex, service=follow_up, starts_at=start, email="quick@example.com")
    response = client.post("/book/review/", fields)
    assert response.status_code == 409
    body = page(response)
    assert "That time has just been booked" in body
    assert "The nearest free times" in body
    later = start + timedelta(minutes=30)
    assert (
        f"/book/review/?service=follow-up&amp;therapist={alex.pk}&amp;start={format_start(later)}"
        in body
    )
    assert Appointment.objects.count() == 1
    assert not Patient.objects.filter(email="pat@example.com").exists()
    assert client.session[SESSION_DETAILS]["name"] == "Pat Example"  # details kept


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("phone", "", "This field is required."),
        ("phone", "call me", "Enter a phone number we can call"),
        ("name", "   ", "This field is required."),
    ],
)
def test_invalid_details_are_a_message_and_write_nothing(
    client, alex, follow_up, start, field, value, message
):
    response = client.post(
        "/book/details/" + flow(follow_up, alex, start), {**DETAILS, field: value}
    )
    assert response.status_code == 200
    assert message in page(response)
    assert SESSION_DETAILS not in client.session
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?service=no-such-service", "We could not find that service"),
        ("?service=follow-up&therapist=abc", "We could not find that therapist"),
        ("?service=follow-up&therapist=999999", "We could not find that therapist"),
        ("?service=follow-up&therapist=1&day=2027-02-30", "Enter a valid date."),
        ("?condition=no-such-condition", "We could not find that condition"),
        ("?service=%3Cscript%3E", "Enter a valid"),
    ],
)
def test_bad_choices_in_the_query_string_are_a_message(client, alex, follow_up, query, message):
    response = client.get("/book/" + query)
    assert response.status_code == 200
    assert message in page(response)


def test_a_therapist_who_does_not_offer_the_service_is_a_message(client, alex, follow_up, massage):
    jordan = make_therapist("Jordan Lee", services_offered=[massage])
    response = client.get(f"/book/?service=follow-up&therapist={jordan.pk}")
    assert "does not offer that service" in page(response)
    assert "Choose a therapist" in page(response)


def confirm(client, **fields):
    return client.post("/book/review/", fields)


def test_tampered_confirm_fields_write_nothing(client, alex, follow_up, massage, start):
    jordan = make_therapist("Jordan Lee", services_offered=[massage])
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    good = {"service": "follow-up", "therapist": alex.pk, "start": format_start(start)}
    cases = [
        {**good, "start": "not-a-time"},
        {**good, "start": "20270101T1007Z"},  # in the past and off the grid
        {**good, "therapist": "1 OR 1=1"},
        {**good, "therapist": jordan.pk},  # does not offer this service
        {**good, "service": "no-such-service"},
        {**good, "start": format_start(start + timedelta(minutes=5))},  # off the grid
        {**good, "start": format_start(start.replace(hour=12, minute=15))},  # lunch
        {**good, "start": format_start(timezone.now() - timedelta(days=1))},
        {**good, "start": format_start(timezone.now() + timedelta(minutes=30))},  # too soon
        {**good, "start": format_start(timezone.now() + timedelta(days=200))},  # past horizon
        {key: value for key, value in good.items() if key != "start"},
    ]
    for fields in cases:
        response = confirm(client, **fields)
        assert response.status_code in {302, 409}, fields
        if response.status_code == 302:
            assert not response["Location"].startswith("/book/confirmed/"), fields
    assert Appointment.objects.count() == 0
    assert Patient.objects.count() == 0


def test_a_past_start_in_the_details_link_offers_other_times(client, alex, follow_up):
    past = timezone.now().astimezone(LA).replace(hour=10, minute=0, second=0, microsecond=0)
    response = client.get("/book/details/" + flow(follow_up, alex, past - timedelta(days=1)))
    assert response.status_code == 409
    assert "That time is not available any more." in page(response)


def test_review_without_details_sends_the_patient_back_to_the_form(client, alex, follow_up, start):
    response = client.get("/book/review/" + flow(follow_up, alex, start))
    assert response.status_code == 302
    assert response["Location"].startswith("/book/details/?")
    assert parse_qs(urlparse(response["Location"]).query)["therapist"] == [str(alex.pk)]


def test_confirmed_without_a_booking_goes_back_to_the_start(client, db):
    response = client.get("/book/confirmed/")
    assert response.status_code == 302 and response["Location"] == "/book/"


def test_flow_pages_have_no_inline_scripts_or_styles(client, alex, follow_up, start, day):
    client.post("/book/details/" + flow(follow_up, alex, start), DETAILS)
    for url in [
        "/book/",
        "/book/?service=follow-up",
        f"/book/?service=follow-up&therapist={alex.pk}",
        f"/book/?service=follow-up&therapist={alex.pk}&day={day}",
        "/book/details/" + flow(follow_up, alex, start),
        "/book/review/" + flow(follow_up, alex, start),
    ]:
        body = page(client.get(url))
        assert "style=" not in body, url
        assert "<script>" not in body and "<script " not in body.replace("<script src=", ""), url


def test_on_the_fall_back_day_the_repeated_hour_is_labelled_with_its_offset(
    client, follow_up, rules
):
    rules.horizon_days = 730
    rules.save()
    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(0), time(3))], weekdays=[6]
    )
    body = page(client.get(f"/book/?service=follow-up&therapist={night.pk}&day=2027-11-07"))
    assert ">1:00 AM PDT<" in body and ">1:00 AM PST<" in body
    assert ">2:30 AM PST<" in body
    spring = page(client.get(f"/book/?service=follow-up&therapist={night.pk}&day=2027-03-14"))
    # Wall clock 00:00-03:00 is two real hours: the last 30 minutes start at 01:30 PST.
    assert ">1:30 AM PST<" in spring and ">1:45 AM PST<" not in spring
    assert ">12:00 AM PST<" in spring
    assert ">2:00 AM" not in spring and ">2:15 AM" not in spring


@pytest.mark.parametrize(("fold", "zone", "other"), [(0, "PDT", "PST"), (1, "PST", "PDT")])
def test_each_one_am_of_the_fall_back_night_is_named_on_every_page_and_email(
    client, follow_up, rules, mailoutbox, django_capture_on_commit_callbacks, fold, zone, other
):
    from tests.bookings.conftest import local

    rules.horizon_days = 730
    rules.save()
    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(0), time(3))], weekdays=[6]
    )
    start = local(2027, 11, 7, 1, 0, fold=fold).astimezone(UTC)
    query = flow(follow_up, night, start)
    client.post("/book/details/" + query, DETAILS)
    review = page(client.get("/book/review/" + query))
    assert f"Sunday 7 November 2027, 1:00 AM {zone} (Pacific time)" in review
    assert f"1:00 AM {zone}–1:30 AM {zone} (Pacific time)" in review
    assert f"1:00 AM {other}" not in review
    with django_capture_on_commit_callbacks(execute=True):
        confirm_booking(client, query)
    span = f"1:00 AM {zone}–1:30 AM {zone} (Pacific time)"
    assert f"Sunday 7 November 2027, {span}" in page(client.get("/book/confirmed/"))
    (message,) = mailoutbox
    assert message.subject.startswith(f"Your Follow up on Sun 7 Nov, 1:00 AM {zone} is booked")
    assert f"Sunday 7 November 2027, {span}" in message.body
    assert f"Sunday 7 November 2027, {span}" in message.alternatives[0][0]
    assert "()" not in message.body and "()" not in message.alternatives[0][0]
    assert f"1:00 AM {other}" not in message.body

    manage = f"/appointments/{Appointment.objects.get().manage_token}/"
    assert f"Sunday 7 November 2027, {span}" in page(client.get(manage))
    moving = page(client.get(manage + "reschedule/?day=2027-11-07"))
    assert f"Sunday 7 November 2027 at 1:00 AM {zone} (Pacific time)" in moving
    assert f">1:00 AM {other}<" in moving  # the other 1:00 AM is free to move to
    other_start = local(2027, 11, 7, 1, 0, fold=1 - fold).astimezone(UTC)
    move = page(client.get(manage + f"reschedule/?start={format_start(other_start)}"))
    assert f"Sunday 7 November 2027, 1:00 AM {zone} (Pacific time)" in move
    assert f"1:00 AM {other}–1:30 AM {other} (Pacific time)" in move


def test_an_ordinary_day_needs_no_abbreviation(
    client, alex, follow_up, start, mailoutbox, django_capture_on_commit_callbacks
):
    query = flow(follow_up, alex, start)
    client.post("/book/details/" + query, DETAILS)
    review = page(client.get("/book/review/" + query))
    assert "10:00 AM–10:30 AM Pacific time" in review
    with django_capture_on_commit_callbacks(execute=True):
        confirm_booking(client, query)
    confirmed = page(client.get("/book/confirmed/"))
    assert "10:00 AM–10:30 AM Pacific time" in confirmed
    (message,) = mailoutbox
    for text in (review, confirmed, message.subject, message.body):
        # What a reader sees: not the forms' signed values, whose random letters may spell "PST".
        text = re.sub(r'value="[^"]*"', "", text)
        assert "PST" not in text and "PDT" not in text and "()" not in text


def test_a_session_across_the_fall_back_ends_when_it_really_ends(client, follow_up, rules):
    from tests.bookings.conftest import local

    rules.horizon_days = 730
    rules.save()
    night = make_therapist(
        "Night Owl", services_offered=[follow_up], hours=[(time(0), time(3))], weekdays=[6]
    )
    # 1:30 AM PDT plus 30 minutes is 1:00 AM PST, not the wall clock's 2:00 AM.
    query = flow(follow_up, night, local(2027, 11, 7, 1, 30).astimezone(UTC))
    client.post("/book/details/" + query, DETAILS)
    assert "1:30 AM PDT–1:00 AM PST (Pacific time)" in page(client.get("/book/review/" + query))
