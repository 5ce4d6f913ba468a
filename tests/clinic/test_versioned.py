"""Rows kept between requests while the content version stands (clinic/versioned.py).

Transactional: each change commits for real, so its trigger bumps the content version exactly as
an edit in the admin does. `a_request()` sends Django's request signals around the calls, as the
handler does around a view.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.forms import active_service
from bookings.models import BookingRules, Service
from bookings.views.flow import policy_pages
from clinic.models import ClinicProfile, Page

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def a_request():
    request_started.send(sender=None)
    try:
        yield
    finally:
        request_finished.send(sender=None)


def queries_of(read):
    """What `read()` returned, and how many ORM queries it made (the version read is raw SQL)."""
    with CaptureQueriesContext(connection) as queries:
        value = read()
    return value, len(queries)


@pytest.fixture
def rules():
    BookingRules.objects.all().delete()
    return BookingRules.objects.create(minimum_notice_minutes=120)


def test_a_request_reads_the_rules_a_previous_one_kept_without_a_query(rules):
    with a_request():
        first, first_queries = queries_of(BookingRules.load)
    with a_request():
        again, again_queries = queries_of(BookingRules.load)

    assert (first_queries, again_queries) == (1, 0)
    assert again.minimum_notice_minutes == first.minimum_notice_minutes == 120
    assert again is not first  # each caller's own copy


def test_a_committed_change_to_the_rules_is_read_by_the_next_request(rules):
    with a_request():
        BookingRules.load()
    BookingRules.objects.update(minimum_notice_minutes=30)  # commits: bookings 0021's trigger

    with a_request():
        changed, queries = queries_of(BookingRules.load)
    assert (changed.minimum_notice, queries) == (timedelta(minutes=30), 1)


def test_a_change_made_to_a_kept_copy_never_reaches_the_next_request(rules):
    with a_request():
        BookingRules.load().minimum_notice_minutes = 5
    with a_request():
        assert BookingRules.load().minimum_notice_minutes == 120


def test_outside_a_request_every_read_goes_to_the_database(rules):
    # The outbox's watcher and cron commands run for hours without a request.
    assert queries_of(BookingRules.load)[1] == 1
    assert queries_of(BookingRules.load)[1] == 1


def test_inside_a_transaction_its_own_uncommitted_change_is_read_and_never_kept(rules):
    class RolledBack(Exception):
        pass

    with a_request(), pytest.raises(RolledBack), transaction.atomic():
        BookingRules.objects.update(minimum_notice_minutes=45)
        changed, queries = queries_of(BookingRules.load)
        assert (changed.minimum_notice_minutes, queries) == (45, 1)
        raise RolledBack
    # The rollback took the version back; a later change brings it to the same number again.
    BookingRules.objects.update(minimum_notice_minutes=50)
    with a_request():
        assert BookingRules.load().minimum_notice_minutes == 50


def test_the_clinic_profile_is_kept_and_its_change_read_at_once():
    ClinicProfile.objects.all().delete()
    profile = ClinicProfile.objects.create(**{**ClinicProfile.DEFAULTS, "name": "Before"})
    with a_request():
        assert queries_of(ClinicProfile.load) == (profile, 1)
    with a_request():
        kept, queries = queries_of(ClinicProfile.load)
        assert (kept.name, queries) == ("Before", 0)

    ClinicProfile.objects.update(name="After")
    with a_request():
        assert ClinicProfile.load().name == "After"


def test_a_service_switched_off_is_no_longer_found_by_the_next_request():
    service = Service.objects.create(
        name="Follow-up", slug="follow-up", duration_minutes=30, price=60
    )
    with a_request():
        assert queries_of(lambda: active_service("follow-up")) == (service, 1)
        assert queries_of(lambda: active_service("made-up")) == (None, 0)

    Service.objects.filter(pk=service.pk).update(active=False)
    with a_request():
        assert active_service("follow-up") is None


def test_a_policy_page_published_is_on_the_next_request():
    Page.objects.filter(slug=Page.PRIVACY).delete()
    page = Page.objects.create(slug=Page.PRIVACY, title="Privacy notice", body="Our notice.")
    with a_request():
        assert Page.PRIVACY not in policy_pages()  # a draft
    with a_request():
        assert queries_of(policy_pages) == ({}, 0)

    Page.objects.filter(pk=page.pk).update(status=Page.Status.PUBLISHED)
    with a_request():
        assert policy_pages()[Page.PRIVACY].title == "Privacy notice"


def test_the_opening_hours_changed_are_read_by_the_next_request():
    from datetime import time

    from clinic.hours import weekly_blocks
    from clinic.models import OpeningHours

    OpeningHours.objects.all().delete()
    OpeningHours.objects.create(weekday=0, opens=time(8), closes=time(12))
    with a_request():
        assert weekly_blocks()[0] == [(time(8), time(12))]
    with a_request():
        assert queries_of(weekly_blocks)[1] == 0

    OpeningHours.objects.filter(weekday=0).update(closes=time(13))
    with a_request():
        assert weekly_blocks()[0] == [(time(8), time(13))]
