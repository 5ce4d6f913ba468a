"""Every page of the booking flow and the manage pages is valid HTML (the Nu HTML Checker)."""

from datetime import datetime, time, timedelta

import pytest

from bookings.forms import format_start
from tests.bookings.conftest import (
    LA,
    confirm_booking,
    confirm_form,
    make_appointment,
    next_weekday_after,
)

pytestmark = pytest.mark.django_db


def test_booking_and_manage_pages_are_valid_html(client, alex, follow_up, html_errors):
    day = next_weekday_after(5, weekday=1)
    start = datetime.combine(day, time(10), tzinfo=LA)
    query = f"service=follow-up&therapist={alex.pk}"
    choice = f"{query}&start={format_start(start)}"
    details = {"name": "Pat", "email": "not-an-email", "phone": ""}
    pages = {}
    pages["service"] = client.get("/book/")
    pages["therapist"] = client.get("/book/?service=follow-up")
    pages["day"] = client.get(f"/book/?{query}")
    pages["time"] = client.get(f"/book/?{query}&day={day}")
    pages["details-errors"] = client.post(f"/book/details/?{choice}", details)
    client.post(
        f"/book/details/?{choice}", {**details, "email": "p@example.com", "phone": "6505550100"}
    )
    pages["review"] = client.get(f"/book/review/?{choice}")
    taken = f"{query}&start={format_start(start + timedelta(hours=1))}"
    taken_form = confirm_form(client.get(f"/book/review/?{taken}").content.decode())
    make_appointment(therapist=alex, service=follow_up, starts_at=start + timedelta(hours=1))
    pages["just-booked"] = client.post(f"/book/review/?{taken}", taken_form)
    confirm_booking(client, f"?{choice}")
    pages["confirmed"] = client.get("/book/confirmed/")
    appointment = make_appointment(
        therapist=alex,
        service=follow_up,
        starts_at=start + timedelta(hours=4),
        email="m@example.com",
    )
    manage = f"/appointments/{appointment.manage_token}/"
    pages["manage"] = client.get(manage)
    pages["reschedule-week"] = client.get(manage + "reschedule/")
    pages["reschedule-times"] = client.get(manage + f"reschedule/?day={day}")
    later = format_start(start + timedelta(hours=5))
    pages["reschedule-confirm"] = client.get(manage + f"reschedule/?start={later}")
    pages["cancel-confirm"] = client.get(manage + "cancel/")
    client.post(manage + "cancel/")
    pages["cancelled"] = client.get(manage)

    # Each page as the patient meets it: only the time someone else just took is a 409.
    expected = dict.fromkeys(pages, 200) | {"just-booked": 409}
    assert {name: response.status_code for name, response in pages.items()} == expected
    assert "That time has just been booked." in pages["just-booked"].content.decode()
    assert html_errors(pages) == []
