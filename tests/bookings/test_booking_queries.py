"""What a booking submission costs: the confirming POST's queries, pinned.

The figures (time, throughput) come from bench/profile_booking.py and bench/http_load.py; these
tests fail when a change adds a query to the path every online booking takes."""

from datetime import datetime
from datetime import time as clock_time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Appointment, OutgoingEmail
from tests.bookings.conftest import LA, confirm_form, next_weekday_after
from tests.bookings.test_views import DETAILS, flow

pytestmark = pytest.mark.django_db

# The booking rules, the clinic profile and the privacy page read once; "no preference" holds
# every therapist of the service and finds who is free then once, under those locks (free_slots
# over them all), and "chosen" checks its therapist under their lock (free_slots for them
# alone). The email's words wait for the commit.
CONFIRM_QUERIES = {"any": 33, "chosen": 33}


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), clock_time(10), tzinfo=LA)


@pytest.mark.parametrize("choice", ["any", "chosen"])
def test_a_booking_submission_takes_a_fixed_number_of_queries(
    client, alex, sam, follow_up, start, choice
):
    query = flow(follow_up, "any" if choice == "any" else alex, start)
    client.post("/book/details/" + query, DETAILS)
    review = client.get("/book/review/" + query)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/book/review/" + query, confirm_form(review.content.decode()))
    assert response.status_code == 302
    booked = Appointment.objects.get()
    assert booked.therapist == alex and booked.starts_at == start
    assert OutgoingEmail.objects.get().written is False  # its words wait for the commit
    assert len(queries) == CONFIRM_QUERIES[choice], "\n".join(
        query["sql"][:120] for query in queries.captured_queries
    )
