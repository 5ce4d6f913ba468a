"""Benchmark: the front desk's clinic-day grid for 5, 50 and 500 therapists (1x, 10x, 100x).

    DEBUG=true .venv/bin/python bench/bench_grid.py

Builds its data in a throwaway database (created here, dropped at the end; the development
database is never touched): each therapist works 08:00-12:00 and 13:00-18:00 and holds eight
30-minute appointments and an hour of time off on the day. Prints, for each size, the median time
of `grid.clinic_day` and of the whole `/schedule/clinic/` page (grid, template, middleware) as the
front desk gets it, and their query counts.
"""

import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from datetime import time as wall_time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ["TEST_DATABASE_NAME"] = "bench_clinic_grid"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = (5, 50, 500)
RUNS = 9
APPOINTMENT_HOURS = (8, 9, 10, 11, 13, 14, 15, 16)


def build(count, day, service, start_index):
    from bookings.availability import clinic_zone
    from bookings.models import Appointment, Patient, Therapist, TimeOff, WorkingHours

    zone = clinic_zone()
    therapists = Therapist.objects.bulk_create(
        Therapist(display_name=f"Bench {start_index + n:03d}") for n in range(count)
    )
    for therapist in therapists:
        therapist.services.add(service)
    WorkingHours.objects.bulk_create(
        WorkingHours(therapist=therapist, weekday=day.weekday(), start_time=start, end_time=end)
        for therapist in therapists
        for start, end in ((wall_time(8), wall_time(12)), (wall_time(13), wall_time(18)))
    )
    patients = Patient.objects.bulk_create(
        Patient(
            name=f"Bench {start_index + n}", email=f"grid{start_index + n}@example.com", phone="0"
        )
        for n in range(count)
    )
    rows = []
    for therapist, patient in zip(therapists, patients, strict=True):
        for hour in APPOINTMENT_HOURS:
            starts_at = datetime.combine(day, wall_time(hour), tzinfo=zone)
            rows.append(
                Appointment(
                    therapist=therapist,
                    service=service,
                    patient=patient,
                    patient_name=patient.name,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=30),
                    blocked_until=starts_at + timedelta(minutes=30),
                )
            )
    Appointment.objects.bulk_create(rows)
    TimeOff.objects.bulk_create(
        TimeOff(
            therapist=therapist,
            starts_at=datetime.combine(day, wall_time(17), tzinfo=zone),
            ends_at=datetime.combine(day, wall_time(18), tzinfo=zone),
        )
        for therapist in therapists
    )


def timed(function, *args, runs=RUNS, **kwargs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function(*args, **kwargs)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from bookings import grid
    from bookings.availability import local_today
    from bookings.models import BookingRules, Service, Therapist
    from bookings.permissions import FRONT_DESK, ensure_staff_groups

    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        BookingRules.objects.get_or_create()
        service = Service.objects.create(
            name="Follow-up", slug="follow-up", duration_minutes=30, price=Decimal("85.00")
        )
        groups = ensure_staff_groups()
        desk = get_user_model().objects.create_user("bench-desk", password="bench-desk-pass")
        desk.groups.add(groups[FRONT_DESK])
        client = Client()
        client.force_login(desk)
        now = timezone.now()
        day = local_today(now=now) + timedelta(days=7)
        built = 0
        for size in SIZES:
            build(size - built, day, service, built)
            built = size
            therapists = list(Therapist.objects.active().order_by("display_name", "pk"))
            # With DEBUG on, the migrations filled the query log (a deque of 9,000): empty it, or
            # CaptureQueriesContext counts nothing.
            reset_queries()
            with CaptureQueriesContext(connection) as grid_queries:
                day_grid = grid.clinic_day(day=day, therapists=therapists, now=now)
            grid_ms = timed(grid.clinic_day, day=day, therapists=therapists, now=now)
            path = f"/schedule/clinic/?date={day}"
            reset_queries()
            with CaptureQueriesContext(connection) as page_queries:
                response = client.get(path)
            assert response.status_code == 200, response.status_code
            page_ms = timed(client.get, path)
            blocks = sum(len(column.blocks) for column in day_grid.columns)
            print(
                f"{size} therapists ({size * len(APPOINTMENT_HOURS)} appointments, "
                f"{blocks} blocks): "
                f"grid {grid_ms:.1f} ms in {len(grid_queries)} queries; "
                f"whole page {page_ms:.1f} ms in {len(page_queries)} queries, "
                f"{len(response.content) // 1024} KiB of HTML"
            )
    finally:
        creation.destroy_test_db(creation.connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
