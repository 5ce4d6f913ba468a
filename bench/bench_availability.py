"""Benchmark: 90 days of free slots for "no preference", at 1x, 10x and 100x the data.

    DEBUG=true .venv/bin/python bench/bench_availability.py [--scales 1,10,100]

1x is 2 therapists holding 200 appointments; 100x is 200 therapists holding 20,000 (the target:
under 250 ms). For each size it builds the data in a throwaway database (created here, dropped at
the end; the development database is never touched), times `free_slots` over 90 days and prints
the median and the number of queries, then again when the service needs any of 8 treatment rooms
that the appointments hold.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from datetime import time as wall_time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
# The throwaway database's name: Django's test-database machinery creates and drops it.
os.environ["TEST_DATABASE_NAME"] = "bench_clinic_availability"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# 1x the data; --scales multiplies both.
THERAPISTS = 2
APPOINTMENTS = 200
DAYS = 90
RUNS = 15


def build(now, therapist_count, appointment_count):
    from bookings.availability import clinic_zone
    from bookings.models import (
        Appointment,
        BookingRules,
        Patient,
        Service,
        Therapist,
        WorkingHours,
    )

    BookingRules.objects.get_or_create()
    service = Service.objects.create(
        name="Follow-up",
        slug="follow-up",
        duration_minutes=30,
        buffer_minutes=10,
        price=Decimal("85.00"),
    )
    therapists = [
        Therapist.objects.create(display_name=f"Bench {i:03d}") for i in range(therapist_count)
    ]
    for therapist in therapists:
        therapist.services.add(service)
    WorkingHours.objects.bulk_create(
        WorkingHours(therapist=therapist, weekday=weekday, start_time=start, end_time=end)
        for therapist in therapists
        for weekday in range(6)
        for start, end in ((wall_time(8), wall_time(12)), (wall_time(13), wall_time(18)))
    )
    # One patient per therapist: a therapist's appointments never overlap, so neither do theirs.
    patients = {
        therapist.pk: Patient.objects.create(
            name=f"Bench {index}", email=f"bench{index}@example.com", phone="0"
        )
        for index, therapist in enumerate(therapists)
    }
    zone = clinic_zone()
    rng = random.Random(4)
    rows, taken = [], set()
    today = now.astimezone(zone).date()
    while len(rows) < appointment_count:
        therapist = rng.choice(therapists)
        day = today + timedelta(days=rng.randrange(1, DAYS))
        slot = rng.randrange(0, 18)  # hourly slots 08:00..17:00, skipping lunch below
        hour = 8 + slot % 10
        if hour == 12 or (therapist.pk, day, hour) in taken:
            continue
        taken.add((therapist.pk, day, hour))
        starts_at = datetime.combine(day, wall_time(hour), tzinfo=zone)
        rows.append(
            Appointment(
                therapist=therapist,
                service=service,
                patient=patients[therapist.pk],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=30),
                blocked_until=starts_at + timedelta(minutes=40),
            )
        )
    Appointment.objects.bulk_create(rows)
    return service


ROOMS = 8


def add_rooms(service):
    """Every appointment holds one of ROOMS rooms (the first ones free at its time)."""
    from bookings.models import Appointment, AppointmentResource, Resource, ResourceNeed

    rooms = [Resource.objects.create(name=f"Room {n}", kind="room") for n in range(ROOMS)]
    ResourceNeed.objects.create(service=service, kind="room")
    by_time: dict = {}
    holds = []
    for appointment in Appointment.objects.order_by("starts_at", "pk"):
        used = by_time.setdefault(appointment.starts_at, 0)
        if used < ROOMS:
            holds.append(
                AppointmentResource(
                    appointment=appointment,
                    resource=rooms[used],
                    starts_at=appointment.starts_at,
                    blocked_until=appointment.blocked_until,
                )
            )
            by_time[appointment.starts_at] = used + 1
    AppointmentResource.objects.bulk_create(holds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="multiples of 1x, comma-separated")
    args = parser.parse_args()
    misses = []
    for scale in (int(value) for value in args.scales.split(",")):
        median_ms = run(THERAPISTS * scale, APPOINTMENTS * scale, scale)
        if scale == TARGET_SCALE and median_ms >= TARGET_MS:
            misses.append(f"{scale}x took {median_ms:.0f} ms, not under {TARGET_MS} ms")
    if misses:
        raise SystemExit("missed: " + "; ".join(misses))


TARGET_SCALE, TARGET_MS = 100, 250  # free slots for 200 therapists with 20,000 appointments


def run(therapist_count, appointment_count, scale) -> float:
    """Build the data at `scale`, print its figures; returns free_slots' median in ms."""
    from django.utils import timezone

    from bookings.availability import free_slots, local_today
    from bookings.models import BookingRules

    creation = connection.creation
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        now = timezone.now()
        service = build(now, therapist_count, appointment_count)
        today = local_today(now=now)
        end = today + timedelta(days=DAYS - 1)
        rules = BookingRules.load()
        timings, full_timings = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            slots = free_slots(service=service, start=today, end=end, now=now)
            timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            every = list(free_slots(service=service, start=today, end=end, now=now))
            full_timings.append(time.perf_counter() - started)
        assert len(every) == len(slots)
        reset_queries()  # the log is a bounded deque: a full one would count nothing
        with CaptureQueriesContext(connection) as queries:
            free_slots(service=service, start=today, end=end, now=now, rules=rules)
        print(
            f"\n{scale}x: {therapist_count} therapists, {appointment_count} appointments, "
            f"{DAYS} days: {len(slots)} free slots"
        )
        print(
            f"free_slots, any therapist: median {statistics.median(timings) * 1000:.1f} ms "
            f"over {RUNS} runs (min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})"
        )
        print(
            f"  ... then reading every Slot: median {statistics.median(full_timings) * 1000:.1f} ms"
            f" (min {min(full_timings) * 1000:.1f}, max {max(full_timings) * 1000:.1f})"
        )
        print(f"queries: {len(queries) + 1} (rules included), {len(queries)} with rules passed in")
        add_rooms(service)
        room_timings = []
        reset_queries()
        for _ in range(RUNS):
            started = time.perf_counter()
            with_rooms = free_slots(service=service, start=today, end=end, now=now)
            room_timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            free_slots(service=service, start=today, end=end, now=now, rules=rules)
        print(
            f"with rooms (the service needs any of {ROOMS} treatment rooms, each appointment "
            f"holds one): {len(with_rooms)} free slots, median "
            f"{statistics.median(room_timings) * 1000:.1f} ms, {len(queries)} queries"
        )
        return statistics.median(timings) * 1000
    finally:
        creation.destroy_test_db(creation.connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
