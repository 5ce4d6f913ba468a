"""Locust scenario for bench/http_load.py: patients booking through /book/ at the same time.

Each simulated patient opens the day list, picks a random day and time, enters details and
confirms; then the next patient takes their place (new cookies, no session yet) after a short
pause, so 50 patients are always somewhere in the flow and the server, not their reading time,
sets the pace. "booking submission" is the confirming POST: 302 when the appointment is booked,
409 ("That time has just been booked") when another patient took the time first; both are
correct outcomes, anything else is a failure. A 409 on the details steps is the same answer, met
earlier.
"""

import random
import re
import uuid
from html import unescape

from locust import HttpUser, between, task

DAY_LINKS = re.compile(r'<a class="booking-day" href="([^"]+)"')
TIME_LINKS = re.compile(r'href="(/book/details/\?[^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
FIRST_STEP = "/book/?service=follow-up&therapist=any"


def just_taken(response) -> None:
    """200, or 409 "that time has just been booked" (another patient was quicker): both correct."""
    if response.status_code in (200, 409):
        response.success()
    else:
        response.failure(f"unexpected {response.status_code}")


class Patient(HttpUser):
    wait_time = between(0.1, 0.3)

    @task
    def book(self):
        self.client.cookies.clear()  # a new patient
        days = DAY_LINKS.findall(self.client.get(FIRST_STEP, name="day list").text)
        if not days:
            return
        day = unescape(random.choice(days))
        times = TIME_LINKS.findall(self.client.get(day, name="slot page").text)
        if not times:
            return
        details_url = unescape(random.choice(times))
        with self.client.get(details_url, name="details form", catch_response=True) as page:
            just_taken(page)
        token = CSRF.search(page.text)
        if token is None or page.status_code == 409:
            return  # the time went while choosing: the page offered others
        with self.client.post(
            details_url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "name": "Bench Patient",
                "email": f"bench+{uuid.uuid4().hex[:12]}@example.com",
                "phone": "+1 650 555 0100",
                "reason": "Benchmark booking",
            },
            name="details submission",
            catch_response=True,
        ) as review:
            just_taken(review)
        token = CSRF.search(review.text)
        if token is None or review.status_code == 409:
            return
        form = {name: unescape(value) for name, value in HIDDEN.findall(review.text)}
        form["csrfmiddlewaretoken"] = token.group(1)
        form["consent"] = "on"  # the privacy box a patient must tick to book
        with self.client.post(
            review.url,
            form,
            name="booking submission",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (302, 409):
                response.success()
            else:
                response.failure(f"unexpected {response.status_code}")
