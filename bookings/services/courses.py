"""Courses of care: a plan of visits previewed, then booked all or nothing.

`plan_visits` turns a pattern (weekdays and a time, a number of visits or an end date) into start
times on the clinic's clock; `preview_course` says for each whether it is free, and if not, why
and the nearest free times that day or the next; `book_course` books every chosen time in one
transaction through the same `book_appointment` as a single booking, so the exclusion
constraints hold each visit. If any is taken meanwhile, nothing is booked and the refusal names
the visit (`CourseConflict`), for the preview to show again with the new conflict marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bookings.availability.conflicts import unavailable_reasons
from bookings.models import (
    MAX_COURSE_VISITS,
    Appointment,
    BookingRules,
    CareCourse,
    Patient,
    Service,
    Therapist,
)
from bookings.notifications import courses as course_emails
from bookings.services.booking import PatientDetails, book_appointment, find_or_create_patient
from bookings.services.changes import cancel_appointment
from bookings.services.common import logger, refusal
from clinic.clock import clinic_zone, local, wall_clock_to_utc

if TYPE_CHECKING:
    from bookings.services.common import Actor

# How many alternatives the preview offers for a visit that is not free.
ALTERNATIVES = 3


class CourseConflict(ValidationError):
    """A visit of the course could not be booked; nothing was. `starts_at` names the visit."""

    def __init__(self, error: ValidationError, *, starts_at: datetime):
        super().__init__(error.messages[0], code=error.code)
        self.starts_at = starts_at


def plan_visits(
    *,
    weekdays: list[int],
    time_of_day: time,
    first_day: date,
    visits: int | None = None,
    until: date | None = None,
) -> list[datetime]:
    """The start of each planned visit, in order: on `weekdays` (Monday is 0) at `time_of_day`
    on the clinic's clock, from `first_day`, `visits` of them or every one up to `until`
    (inclusive), never more than MAX_COURSE_VISITS.

    DST pitfall: each visit is converted on its own day, so 17:30 stays 17:30 across the change;
    17:30 cannot fall in the skipped hour, but 02:30 would, and becomes 03:00 that day.
    """
    if not weekdays or (visits is None and until is None):
        return []
    limit = min(visits or MAX_COURSE_VISITS, MAX_COURSE_VISITS)
    wanted = set(weekdays)
    zone = clinic_zone()
    starts: list[datetime] = []
    day = first_day
    while len(starts) < limit and (until is None or day <= until):
        if day.weekday() in wanted:
            starts.append(wall_clock_to_utc(day, time_of_day, zone=zone))
        day += timedelta(days=1)
    return starts


@dataclass
class ProposedVisit:
    starts_at: datetime
    problem: str | None = None  # the reason code when the time is not free
    alternatives: list[datetime] = field(default_factory=list)

    @property
    def is_free(self) -> bool:
        return self.problem is None

    @property
    def message(self) -> str:
        return str(refusal(self.problem).messages[0]) if self.problem else ""


def preview_course(
    *,
    service: Service,
    therapist: Therapist,
    starts: list[datetime],
    now: datetime | None = None,
    rules: BookingRules | None = None,
    enforce_booking_window: bool = False,
) -> list[ProposedVisit]:
    """Each of `starts` as free, or with what is in the way and up to ALTERNATIVES free times
    that day or the next, closest first, none of them a time another visit already takes."""
    now = now or timezone.now()
    rules = rules or BookingRules.load()
    reasons, slots = unavailable_reasons(
        service=service,
        therapist=therapist,
        starts=starts,
        now=now,
        rules=rules,
        enforce_booking_window=enforce_booking_window,
    )
    chosen = {start for start in starts if start not in reasons}
    visits = []
    for start in starts:
        if start not in reasons:
            visits.append(ProposedVisit(start))
            continue
        day = local(start).date()
        nearby = [
            slot.starts_at
            for slot in slots
            if local(slot.starts_at).date() in (day, day + timedelta(days=1))
            and not _clashes(slot.starts_at, chosen, service)
        ]
        nearby.sort(key=lambda moment: abs((moment - start).total_seconds()))
        visits.append(ProposedVisit(start, reasons[start], sorted(nearby[:ALTERNATIVES])))
    return visits


def _clashes(moment: datetime, chosen: set[datetime], service: Service) -> bool:
    held = service.duration + service.buffer
    return any(other < moment + held and moment < other + held for other in chosen)


def book_course(
    *,
    service: Service,
    therapist: Therapist,
    patient: Patient | PatientDetails,
    starts: list[datetime],
    weekdays: list[int],
    time_of_day: time,
    source: str = Appointment.Source.FRONT_DESK,
    reason: str = "",
    now: datetime | None = None,
    actor: Actor = None,
    language: str | None = None,
    submission_key: str = "",
    notify: bool = True,
    follows: Appointment | None = None,
) -> CareCourse:
    """Book every one of `starts` as one course, or nothing (raises CourseConflict naming the
    visit that could not be booked). Online (`source` online) a patient may book at most the
    service's `online_course_max_visits`, one weekday a week. One email lists every visit.

    `follows`: a booked appointment the course continues (the patient's first visit, made a
    weekly course from its page): it joins the course and counts as one of its visits.
    """
    now = now or timezone.now()
    starts = sorted(set(starts))
    already = 1 if follows is not None else 0
    if not starts:
        raise refusal("course_empty")
    if len(starts) + already > MAX_COURSE_VISITS:
        raise refusal("course_too_long", limit=MAX_COURSE_VISITS)
    if source == Appointment.Source.ONLINE:
        allowed = service.online_course_max_visits
        if allowed == 0:
            raise refusal("course_not_online")
        if len(starts) + already > allowed or len(set(weekdays)) != 1:
            raise refusal("course_too_long", limit=allowed)
    with transaction.atomic():
        if follows is not None:
            # Locked: two tabs making the same first visit a course make one course.
            follows = Appointment.objects.select_for_update().get(pk=follows.pk)
            if follows.course_id or follows.status != Appointment.Status.BOOKED:
                raise refusal("not_booked")
        course = CareCourse.objects.create(
            patient=(
                patient if isinstance(patient, Patient) else find_or_create_patient(details=patient)
            ),
            therapist=therapist,
            service=service,
            weekdays=sorted(set(weekdays)),
            time_of_day=time_of_day,
            first_day=local(follows.starts_at if follows else starts[0]).date(),
            visits_planned=len(starts) + already,
            source=source,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        booked = []
        for index, start in enumerate(starts):
            try:
                booked.append(
                    book_appointment(
                        service=service,
                        therapist=therapist,
                        starts_at=start,
                        patient=patient,
                        reason=reason,
                        source=source,
                        now=now,
                        notify=False,
                        actor=actor,
                        # The first visit carries the form's key: a repeated click is refused
                        # and finds this course.
                        submission_key=submission_key if index == 0 else "",
                        language=language,
                    )
                )
            except ValidationError as error:
                raise CourseConflict(error, starts_at=start) from error
        joined = [appointment.pk for appointment in booked]
        if follows is not None:
            joined.append(follows.pk)
        Appointment.objects.filter(pk__in=joined).update(course=course)
        logger.info("Course %s booked: %s visits (%s)", course.pk, len(booked), source)
        if notify:
            course_emails.send_course_email(course)
    return course


def cancel_rest_of_course(
    *, course: CareCourse, now: datetime | None = None, actor: Actor = None
) -> int:
    """Cancel every upcoming booked visit of the course (the clinic cancelling: no cut-off);
    each patient email carries that visit's cancellation. Returns how many were cancelled."""
    now = now or timezone.now()
    upcoming = course.appointments.filter(status=Appointment.Status.BOOKED, starts_at__gt=now)
    count = 0
    with transaction.atomic():
        for appointment in upcoming.order_by("starts_at"):
            cancel_appointment(appointment=appointment, by_patient=False, now=now, actor=actor)
            count += 1
    logger.info("Course %s: %s upcoming visits cancelled", course.pk, count)
    return count


@dataclass(frozen=True)
class CourseProgress:
    attended: int
    no_show: int
    upcoming: int
    cancelled: int
    past_unmarked: int

    @property
    def visits_left(self) -> int:
        return self.upcoming


def course_progress(course: CareCourse, *, now: datetime | None = None) -> CourseProgress:
    now = now or timezone.now()
    visits = list(course.appointments.values_list("status", "starts_at"))
    booked = Appointment.Status.BOOKED
    return CourseProgress(
        attended=sum(status == Appointment.Status.ATTENDED for status, _ in visits),
        no_show=sum(status == Appointment.Status.NO_SHOW for status, _ in visits),
        upcoming=sum(status == booked and starts > now for status, starts in visits),
        cancelled=sum(status == Appointment.Status.CANCELLED for status, _ in visits),
        past_unmarked=sum(status == booked and starts <= now for status, starts in visits),
    )
