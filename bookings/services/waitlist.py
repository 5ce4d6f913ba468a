"""The waiting list: joining and leaving it, offering freed times, and claiming an offer.

When a therapist's time is freed (a cancellation, a move, time off removed, hours extended), the
service that freed it calls `time_freed` after its transaction commits. The matching waiting
patients (service, therapist or any, the day in their range, its weekday and time of day theirs)
are offered a free time that day, in the order they joined, OFFERS_PER_TIME at once, each by
email through the outbox. An offer expires after settings.WAITLIST_OFFER_HOURS, and never later
than the minimum notice before the time allows. Claiming books through `book_appointment`: the
exclusion constraint decides who was first; the others' offers become "taken" and they stay on
the list. `expire_offers` (from cron, via `manage.py send_waitlist_offers`) passes expired
offers' times on to the next patients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bookings.availability import free_slots
from bookings.models import (
    Appointment,
    BookingRules,
    Service,
    SlotOffer,
    Therapist,
    WaitlistEntry,
)
from bookings.notifications import waitlist as waitlist_emails
from bookings.services.booking import PatientDetails, book_appointment
from bookings.services.common import _lock_therapist, logger, refusal
from clinic.clock import local, local_today

# How many waiting patients are offered one freed time at once; the first to claim books it.
OFFERS_PER_TIME = 3

# Times of day on the clinic's clock: [start, end).
TIMES_OF_DAY = {
    WaitlistEntry.TimeOfDay.MORNING: (time(0), time(12)),
    WaitlistEntry.TimeOfDay.AFTERNOON: (time(12), time(17)),
    WaitlistEntry.TimeOfDay.EVENING: (time(17), time.max),
}


def offer_lifetime() -> timedelta:
    return timedelta(minutes=settings.WAITLIST_OFFER_MINUTES)


@transaction.atomic
def join_waitlist(
    *,
    service: Service,
    therapist: Therapist | None,
    first_day: date,
    last_day: date,
    weekdays: list[int],
    times_of_day: list[str],
    details: PatientDetails,
    language: str,
    now: datetime | None = None,
    notify: bool = True,
) -> WaitlistEntry:
    """Put the patient on the waiting list; the confirmation email carries the link to leave."""
    now = now or timezone.now()
    rules = BookingRules.load()
    today = local_today(now=now)
    if not service.active:
        raise refusal("inactive_service")
    if therapist is not None and not therapist.services.filter(pk=service.pk).exists():
        raise refusal("service_not_offered", therapist=therapist.display_name, service=service.name)
    if first_day < today or last_day < first_day:
        raise refusal("waitlist_dates")
    if last_day > local(now + rules.horizon).date():
        raise refusal("past_horizon", days=rules.horizon_days)
    if not weekdays or not times_of_day:
        raise refusal("waitlist_when")
    entry = WaitlistEntry.objects.create(
        service=service,
        therapist=therapist,
        first_day=first_day,
        last_day=last_day,
        weekdays=sorted(set(weekdays)),
        # In the day's order, morning first, whatever order they came in.
        times_of_day=[name for name in TIMES_OF_DAY if name in set(times_of_day)],
        name=details.name.strip(),
        email=details.email.strip(),
        phone=details.phone.strip(),
        language=language,
    )
    logger.info("Waiting-list entry %s joined", entry.pk)
    if notify:
        waitlist_emails.send_waitlist_email(entry, kind=waitlist_emails.JOINED)
    # A time may already be free (freed before they joined, or free all along).
    transaction.on_commit(partial(offer_entry_now, entry.pk), robust=True)
    return entry


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistEntry.Status.WAITING:
        return entry
    entry.status = WaitlistEntry.Status.LEFT
    entry.save(update_fields=["status", "updated_at"])
    entry.offers.filter(state=SlotOffer.State.OPEN).update(state=SlotOffer.State.EXPIRED)
    logger.info("Waiting-list entry %s left", entry.pk)
    return entry


def time_freed(*, therapist_id: int, day: date) -> None:
    """Queue offering `day`'s free times with the therapist once the caller's transaction
    commits; a failure there is logged, never undoes or breaks the change that freed it."""
    # robust: Django logs a failure and carries on; the change itself has committed.
    transaction.on_commit(
        partial(offer_freed_time, therapist_id=therapist_id, day=day), robust=True
    )


def _in_times_of_day(moment: datetime, times_of_day: list[str]) -> bool:
    wall = local(moment).time()
    return any(
        TIMES_OF_DAY[name][0] <= wall < TIMES_OF_DAY[name][1]
        for name in times_of_day
        if name in TIMES_OF_DAY
    )


@dataclass
class _Candidate:
    entry: WaitlistEntry
    starts_at: datetime


def offer_freed_time(
    *, therapist_id: int, day: date, now: datetime | None = None
) -> list[SlotOffer]:
    """Offer the therapist's free times on `day` to the matching waiting patients, oldest first.

    Each waiting patient gets at most one open offer at a time and never the same time twice
    (a unique constraint); each time is offered to at most OFFERS_PER_TIME patients at once.
    """
    now = now or timezone.now()
    therapist = Therapist.objects.filter(pk=therapist_id, active=True).first()
    if therapist is None:
        return []
    entries = list(
        WaitlistEntry.objects.waiting()
        .filter(first_day__lte=day, last_day__gte=day, weekdays__contains=[day.weekday()])
        .filter(service__in=therapist.services.filter(active=True))
        .filter(Q(therapist__isnull=True) | Q(therapist_id=therapist_id))
        .exclude(Exists(SlotOffer.objects.open(now=now).filter(entry=OuterRef("pk"))))
        .select_related("service")
        .order_by("created_at", "pk")
    )
    if not entries:
        return []
    rules = BookingRules.load()
    slots_by_service: dict[int, list] = {}
    open_counts: dict[datetime, int] = {}
    for starts_at in (
        SlotOffer.objects.open(now=now)
        .filter(therapist_id=therapist_id)
        .values_list("starts_at", flat=True)
    ):
        open_counts[starts_at] = open_counts.get(starts_at, 0) + 1
    made = []
    for entry in entries:
        if entry.service_id not in slots_by_service:
            slots_by_service[entry.service_id] = list(
                free_slots(
                    service=entry.service,
                    therapist=therapist,
                    start=day,
                    end=day,
                    now=now,
                    rules=rules,
                )
            )
        offered = entry.offers.values_list("therapist_id", "starts_at")
        already = {starts for therapist_pk, starts in offered if therapist_pk == therapist_id}
        for slot in slots_by_service[entry.service_id]:
            if (
                slot.starts_at in already
                or open_counts.get(slot.starts_at, 0) >= OFFERS_PER_TIME
                or not _in_times_of_day(slot.starts_at, entry.times_of_day)
            ):
                continue
            expires_at = min(now + offer_lifetime(), slot.starts_at - rules.minimum_notice)
            if expires_at <= now:
                continue
            offer = _make_offer(entry, therapist, slot.starts_at, expires_at)
            if offer is not None:
                open_counts[slot.starts_at] = open_counts.get(slot.starts_at, 0) + 1
                made.append(offer)
            break
    return made


@transaction.atomic
def _make_offer(
    entry: WaitlistEntry, therapist: Therapist, starts_at: datetime, expires_at: datetime
) -> SlotOffer | None:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistEntry.Status.WAITING:
        return None
    try:
        with transaction.atomic():
            offer = SlotOffer.objects.create(
                entry=entry, therapist=therapist, starts_at=starts_at, expires_at=expires_at
            )
    except IntegrityError:
        return None  # offered already, by a run at the same moment
    logger.info("Waiting-list entry %s offered a time (offer %s)", entry.pk, offer.pk)
    waitlist_emails.send_waitlist_email(entry, kind=waitlist_emails.OFFER, offer=offer)
    return offer


def offer_entry_now(entry_id: int) -> None:
    """Offer a new entry a time already free in its range, if one is."""
    entry = WaitlistEntry.objects.filter(pk=entry_id).select_related("service").first()
    if entry is None:
        return
    therapists = (
        [entry.therapist_id]
        if entry.therapist_id
        else list(entry.service.therapists.filter(active=True).values_list("pk", flat=True))
    )
    day = max(entry.first_day, local_today())
    while day <= entry.last_day:
        if day.weekday() in entry.weekdays:
            for therapist_id in therapists:
                if offer_freed_time(therapist_id=therapist_id, day=day):
                    return
        day += timedelta(days=1)


def claim_offer(*, offer: SlotOffer, now: datetime | None = None) -> Appointment:
    """Book the offered time for the waiting patient, if it is still open and free.

    Refusals: `offer_expired` (too late, or they left the list), `offer_taken` (someone else
    booked it first; they stay on the list). Repeating a claim that succeeded returns the
    appointment it made.
    """
    now = now or timezone.now()
    taken: ValidationError | None = None
    with transaction.atomic():
        # The therapist's row first, as every booking takes it: two claims of one time (and a
        # booking racing them) queue there, never each holding the other's offer (a deadlock).
        _lock_therapist(offer.therapist)
        offer = (
            SlotOffer.objects.select_for_update(of=("self",))
            .select_related("entry", "entry__service", "therapist")
            .get(pk=offer.pk)
        )
        if offer.state == SlotOffer.State.CLAIMED and offer.appointment_id:
            return offer.appointment
        if offer.state == SlotOffer.State.TAKEN:
            raise refusal("offer_taken")
        if offer.state != SlotOffer.State.OPEN or offer.expires_at <= now:
            raise refusal("offer_expired")
        entry = offer.entry
        try:
            appointment = book_appointment(
                service=entry.service,
                therapist=offer.therapist,
                starts_at=offer.starts_at,
                patient=PatientDetails(name=entry.name, email=entry.email, phone=entry.phone),
                source=Appointment.Source.ONLINE,
                now=now,
                language=entry.language,
            )
        except ValidationError as error:
            if error.code not in {"slot_taken", "outside_hours", "too_soon", "patient_busy"}:
                raise
            offer.state = SlotOffer.State.TAKEN
            offer.save(update_fields=["state"])
            taken = error
        else:
            offer.state = SlotOffer.State.CLAIMED
            offer.appointment = appointment
            offer.save(update_fields=["state", "appointment"])
            entry.status = WaitlistEntry.Status.BOOKED
            entry.appointment = appointment
            entry.save(update_fields=["status", "appointment", "updated_at"])
            entry.offers.filter(state=SlotOffer.State.OPEN).update(state=SlotOffer.State.EXPIRED)
            SlotOffer.objects.filter(
                state=SlotOffer.State.OPEN,
                therapist_id=offer.therapist_id,
                starts_at=offer.starts_at,
            ).update(state=SlotOffer.State.TAKEN)
            logger.info("Offer %s claimed: appointment %s", offer.pk, appointment.pk)
            return appointment
    raise refusal("offer_taken") from taken


def expire_offers(*, now: datetime | None = None) -> tuple[int, int]:
    """Expire open offers past their time and end entries whose dates have passed, then offer
    the expired offers' times to the next patients. Returns (offers expired, entries ended).
    Safe to run twice at once: each row changes state once."""
    now = now or timezone.now()
    expired = list(
        SlotOffer.objects.filter(state=SlotOffer.State.OPEN, expires_at__lte=now).values_list(
            "pk", "therapist_id", "starts_at"
        )
    )
    count = SlotOffer.objects.filter(
        pk__in=[pk for pk, _therapist, _starts in expired], state=SlotOffer.State.OPEN
    ).update(state=SlotOffer.State.EXPIRED)
    ended = (
        WaitlistEntry.objects.waiting()
        .filter(last_day__lt=local_today(now=now))
        .update(status=WaitlistEntry.Status.ENDED)
    )
    for therapist_id, day in {(t, local(s).date()) for _pk, t, s in expired if s > now}:
        offer_freed_time(therapist_id=therapist_id, day=day, now=now)
    return count, ended
