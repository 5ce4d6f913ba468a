"""Small make_* helpers for bookings tests: services, therapists with hours, appointments."""

import html
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import BookingRules, Service, Therapist, WorkingHours

LA = ZoneInfo("America/Los_Angeles")


def local(year, month, day, hour=0, minute=0, *, fold=0) -> datetime:
    """An aware datetime on the clinic's wall clock (America/Los_Angeles in tests)."""
    return datetime(year, month, day, hour, minute, tzinfo=LA, fold=fold)


def make_service(slug="follow-up", *, minutes=30, buffer=0, active=True, name=None) -> Service:
    return Service.objects.create(
        slug=slug,
        name=name or slug.replace("-", " ").capitalize(),
        duration_minutes=minutes,
        buffer_minutes=buffer,
        price=Decimal("80.00"),
        active=active,
    )


def make_therapist(
    name="Alex Rivera",
    *,
    services_offered=(),
    hours=((time(9), time(12)), (time(13), time(17))),
    weekdays=range(7),
    active=True,
) -> Therapist:
    therapist = Therapist.objects.create(display_name=name, credentials="DPT", active=active)
    therapist.services.set(services_offered)
    WorkingHours.objects.bulk_create(
        WorkingHours(therapist=therapist, weekday=weekday, start_time=start, end_time=end)
        for weekday in weekdays
        for start, end in hours
    )
    return therapist


def make_appointment(*, therapist, service, starts_at, email="pat@example.com", now=None, **kw):
    return services.book_appointment(
        service=service,
        therapist=therapist,
        starts_at=starts_at,
        patient=services.PatientDetails(name="Pat Example", email=email, phone="+1 650 555 0100"),
        now=now or starts_at - timedelta(days=2),
        notify=kw.pop("notify", False),
        **kw,
    )


def next_weekday_after(days: int, weekday: int = 1) -> date:
    """A clinic-zone date at least `days` days from today that falls on `weekday` (Mon=0)."""
    day = timezone.now().astimezone(LA).date() + timedelta(days=days)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def confirm_form(body: str, *, consent: bool = True) -> dict:
    """The fields the review page's "Confirm booking" form posts, read from its HTML, with the
    consent box ticked (as a patient must) unless `consent=False`."""
    match = re.search(r'<form method="post" class="booking-confirm"[^>]*>(.*?)</form>', body, re.S)
    assert match, "the page has no confirm form"
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match[1])
    fields = {name: html.unescape(value) for name, value in hidden}
    if consent:
        boxes = re.findall(r'<input class="[^"]*" type="checkbox" name="([^"]+)"', match[1])
        assert boxes, "the confirm form has no consent box"
        fields.update(dict.fromkeys(boxes, "on"))
    return fields


def confirm_booking(client, query: str):
    """Open the review page for `query` (the session's details) and press "Confirm booking"."""
    review = client.get("/book/review/" + query)
    assert review.status_code == 200, review
    return client.post("/book/review/" + query, confirm_form(review.content.decode()))


@pytest.fixture
def rules(db):
    return BookingRules.load()


@pytest.fixture
def follow_up(db):
    return make_service("follow-up", minutes=30, buffer=0)


@pytest.fixture
def massage(db):
    return make_service("sports-massage", minutes=45, buffer=15, name="Sports massage")


@pytest.fixture
def alex(follow_up, massage):
    return make_therapist("Alex Rivera", services_offered=[follow_up, massage])


# --- staff with stated roles (groups from migration bookings 0004) ------------------------------


def make_user(username, *, groups=(), staff=False):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", f"{username}-pass-123", is_staff=staff
    )
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    return user


@pytest.fixture
def alex_user(alex):
    """Therapist A: Alex's own login."""
    user = make_user("alex", groups=["Therapists"])
    alex.user = user
    alex.save(update_fields=["user"])
    return user


@pytest.fixture
def sam(follow_up, massage):
    return make_therapist("Sam Okafor", services_offered=[follow_up, massage])


@pytest.fixture
def sam_user(sam):
    """Therapist B: a colleague who must never see Alex's patients."""
    user = make_user("sam", groups=["Therapists"])
    sam.user = user
    sam.save(update_fields=["user"])
    return user


@pytest.fixture
def front_desk_user(db):
    """Front desk: every therapist's schedule."""
    return make_user("desk", groups=["Front desk"], staff=True)


@pytest.fixture
def editor_user(db):
    """Content editor: staff, but no business in anyone's schedule."""
    return make_user("editor", groups=["Content editors"], staff=True)
