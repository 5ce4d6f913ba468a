"""The waiting list: who is offered a freed time, in which order, expiry, claims, leaving."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings import services
from bookings.models import Appointment, OutgoingEmail, SlotOffer, WaitlistEntry
from bookings.services import waitlist
from tests.bookings.conftest import LA, local, make_appointment, make_therapist

pytestmark = pytest.mark.django_db

NOW = local(2027, 1, 1, 12)
MONDAY = date(2027, 1, 4)
ALL_DAY = ["morning", "afternoon", "evening"]


def details(name):
    return services.PatientDetails(
        name=name.title(), email=f"{name}@example.com", phone="+16505550100"
    )


def join(
    service,
    name,
    *,
    therapist=None,
    weekdays=(0,),
    times=ALL_DAY,
    first=MONDAY,
    last=None,
    now=NOW,
):
    return waitlist.join_waitlist(
        service=service,
        therapist=therapist,
        first_day=first,
        last_day=last or first,
        weekdays=list(weekdays),
        times_of_day=list(times),
        details=details(name),
        language="en",
        now=now,
        notify=False,
    )


@pytest.fixture
def full_monday(db, follow_up):
    """A therapist who works Monday 09:00-10:00 only, fully booked."""
    busy = make_therapist("Busy Bee", services_offered=[follow_up], hours=((time(9), time(10)),))
    first = make_appointment(therapist=busy, service=follow_up, starts_at=local(2027, 1, 4, 9))
    make_appointment(
        therapist=busy, service=follow_up, starts_at=local(2027, 1, 4, 9, 30), email="b@example.com"
    )
    return busy, first


def freed(appointment):
    services.cancel_appointment(appointment=appointment, by_patient=False, now=NOW, notify=False)
    return waitlist.offer_freed_time(therapist_id=appointment.therapist_id, day=MONDAY, now=NOW)


def test_a_cancellation_is_offered_to_the_waiting_patients_in_join_order(full_monday, follow_up):
    busy, first = full_monday
    names = ["ann", "bob", "cat", "dan"]
    for name in names:
        join(follow_up, name)
    offers = freed(first)
    assert [offer.entry.name for offer in offers] == ["Ann", "Bob", "Cat"]  # OFFERS_PER_TIME
    assert {offer.starts_at for offer in offers} == {local(2027, 1, 4, 9)}
    emails = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.OFFER)
    assert sorted(emails.values_list("recipient", flat=True)) == [
        "ann@example.com",
        "bob@example.com",
        "cat@example.com",
    ]


def test_only_matching_entries_are_offered(full_monday, follow_up, massage, sam):
    busy, first = full_monday
    join(massage, "other-service")
    join(follow_up, "other-therapist", therapist=sam)
    join(follow_up, "tuesdays", weekdays=(1,), first=MONDAY, last=MONDAY + timedelta(days=1))
    join(follow_up, "evenings", times=["evening"])
    join(follow_up, "later", first=MONDAY + timedelta(days=7))
    join(follow_up, "with-busy", therapist=busy)
    assert [offer.entry.name for offer in freed(first)] == ["With-Busy"]


def test_claiming_books_the_time_and_takes_the_others_offers(full_monday, follow_up):
    busy, first = full_monday
    join(follow_up, "ann")
    join(follow_up, "bob")
    ann_offer, bob_offer = freed(first)
    appointment = waitlist.claim_offer(offer=ann_offer, now=NOW)
    assert appointment.patient.email == "ann@example.com"
    assert appointment.starts_at == local(2027, 1, 4, 9)
    ann_offer.refresh_from_db()
    bob_offer.refresh_from_db()
    assert ann_offer.state == "claimed" and bob_offer.state == "taken"
    assert WaitlistEntry.objects.get(email="ann@example.com").status == "booked"
    with pytest.raises(ValidationError) as refused:
        waitlist.claim_offer(offer=bob_offer, now=NOW)
    assert refused.value.code == "offer_taken"
    assert WaitlistEntry.objects.get(email="bob@example.com").status == "waiting"
    # Claiming again is the same booking, not a second one.
    assert waitlist.claim_offer(offer=ann_offer, now=NOW) == appointment


def test_a_time_booked_online_meanwhile_turns_the_claim_into_just_taken(full_monday, follow_up):
    busy, first = full_monday
    join(follow_up, "ann")
    [offer] = freed(first)
    make_appointment(
        therapist=busy, service=follow_up, starts_at=offer.starts_at, email="quick@example.com"
    )
    with pytest.raises(ValidationError) as refused:
        waitlist.claim_offer(offer=offer, now=NOW)
    assert refused.value.code == "offer_taken"
    offer.refresh_from_db()
    assert offer.state == "taken"
    assert WaitlistEntry.objects.get().status == "waiting"


def test_an_offer_expires_and_goes_to_the_next_patient(full_monday, follow_up, settings):
    busy, first = full_monday
    for name in ["ann", "bob", "cat", "dan"]:
        join(follow_up, name)
    freed(first)
    later = NOW + timedelta(minutes=settings.WAITLIST_OFFER_MINUTES + 1)
    expired, ended = waitlist.expire_offers(now=later)
    assert (expired, ended) == (3, 0)
    dan = SlotOffer.objects.get(entry__name="Dan")
    assert dan.state == "open" and dan.starts_at == local(2027, 1, 4, 9)
    with pytest.raises(ValidationError) as refused:
        waitlist.claim_offer(offer=SlotOffer.objects.get(entry__name="Ann"), now=later)
    assert refused.value.code == "offer_expired"


def test_an_offer_never_outlives_the_minimum_notice(full_monday, follow_up, rules):
    busy, first = full_monday
    join(follow_up, "ann")
    soon = local(2027, 1, 4, 6)  # three hours before the 09:00 time; notice is two hours
    services.cancel_appointment(appointment=first, by_patient=False, now=soon, notify=False)
    [offer] = waitlist.offer_freed_time(therapist_id=busy.pk, day=MONDAY, now=soon)
    assert offer.expires_at == local(2027, 1, 4, 9) - rules.minimum_notice


def test_leaving_the_list_stops_offers(full_monday, follow_up):
    busy, first = full_monday
    entry = join(follow_up, "ann")
    waitlist.leave_waitlist(entry=entry)
    assert freed(first) == []
    assert WaitlistEntry.objects.get().status == "left"


def test_the_same_time_is_never_offered_twice_to_one_patient(full_monday, follow_up):
    busy, first = full_monday
    join(follow_up, "ann")
    assert len(freed(first)) == 1
    assert waitlist.offer_freed_time(therapist_id=busy.pk, day=MONDAY, now=NOW) == []


def test_times_of_day_follow_the_clinic_clock_on_the_clock_change_day(db, follow_up):
    # 2027-11-07: clocks go back. 11:30 is still morning, 12:00 afternoon, on the wall clock.
    sunday = date(2027, 11, 7)
    now = local(2027, 11, 1, 12)
    ed = make_therapist(
        "Ed Sun", services_offered=[follow_up], hours=((time(11, 30), time(12, 30)),)
    )
    held = [
        make_appointment(therapist=ed, service=follow_up, starts_at=local(2027, 11, 7, 11, 30)),
        make_appointment(
            therapist=ed, service=follow_up, starts_at=local(2027, 11, 7, 12), email="z@example.com"
        ),
    ]
    join(follow_up, "afternoons", times=["afternoon"], weekdays=(6,), first=sunday, now=now)
    for appointment in held:
        services.cancel_appointment(
            appointment=appointment, by_patient=False, now=now, notify=False
        )
    [offer] = waitlist.offer_freed_time(therapist_id=ed.pk, day=sunday, now=now)
    assert offer.starts_at.astimezone(LA).strftime("%H:%M") == "12:00"


def test_joining_refuses_bad_dates_and_no_times(follow_up):
    with pytest.raises(ValidationError) as refused:
        join(follow_up, "ann", first=date(2026, 12, 1))  # before today (NOW)
    assert refused.value.code == "waitlist_dates"
    with pytest.raises(ValidationError) as refused:
        join(follow_up, "ann", times=[])
    assert refused.value.code == "waitlist_when"
    assert not WaitlistEntry.objects.exists()


def test_a_booked_patient_leaves_the_list(full_monday, follow_up):
    busy, first = full_monday
    join(follow_up, "ann")
    [offer] = freed(first)
    waitlist.claim_offer(offer=offer, now=NOW)
    assert Appointment.objects.filter(patient__email="ann@example.com").count() == 1
    assert not WaitlistEntry.objects.waiting().exists()


def test_the_command_expires_offers_and_passes_them_on(full_monday, follow_up, settings):
    from io import StringIO

    from django.core.management import call_command

    busy, first = full_monday
    join(follow_up, "ann")
    [offer] = freed(first)
    SlotOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("send_waitlist_offers", stdout=out)
    assert "Expired 1 offer;" in out.getvalue()
    offer.refresh_from_db()
    assert offer.state == "expired"


def test_the_front_desk_sees_who_waits_on_the_clinic_day(client, front_desk_user, follow_up):
    join(follow_up, "ann")
    client.force_login(front_desk_user)
    page = client.get("/schedule/clinic/?date=2027-01-04").content.decode()
    assert "Follow up: 1 waiting" in page
    assert "No one is waiting" in client.get("/schedule/clinic/?date=2027-01-05").content.decode()


def test_the_waiting_list_admin_lists_requests(client, front_desk_user, follow_up):
    join(follow_up, "ann")
    client.force_login(front_desk_user)
    page = client.get("/admin/bookings/waitlistentry/")
    assert page.status_code == 200
    assert "Ann" in page.content.decode()


def test_a_full_day_offers_the_waiting_list_with_the_choices_filled_in(
    client, full_monday, follow_up
):
    busy, _first = full_monday
    page = client.get(
        f"/book/?service={follow_up.slug}&therapist={busy.pk}&day=2027-01-04"
    ).content.decode()
    assert "No free times left on this day." in page
    link = f"/waitlist/?service={follow_up.slug}&amp;therapist={busy.pk}&amp;day=2027-01-04"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="2027-01-04"' in form
    assert f'<option value="{busy.pk}" selected>' in form


def test_the_join_form_keeps_what_was_typed_on_a_bad_phone(client, follow_up):
    response = client.post(
        "/waitlist/",
        {
            "service": follow_up.pk,
            "therapist": "",
            "first_day": "2027-01-04",
            "last_day": "2027-01-10",
            "weekdays": ["0", "1"],
            "times_of_day": ["morning"],
            "name": "Ann Typed",
            "email": "ann@example.com",
            "phone": "12",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a phone number we can call" in body and 'value="Ann Typed"' in body
    assert not WaitlistEntry.objects.exists()


def test_the_french_form_shows_and_takes_iso_dates(client, follow_up):
    page = client.get("/fr/waitlist/?day=2027-01-04").content.decode()
    assert 'value="2027-01-04"' in page
    response = client.post(
        "/fr/waitlist/",
        {
            "service": follow_up.pk,
            "first_day": "2027-01-04",
            "last_day": "2027-01-10",
            "weekdays": ["0"],
            "times_of_day": ["morning"],
            "name": "Anne Français",
            "email": "anne@example.com",
            "phone_country": "FR",
            "phone": "06 12 34 56 78",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert WaitlistEntry.objects.get().phone == "+33612345678"


def test_a_claim_holds_the_device_and_a_device_taken_meanwhile_is_just_taken(
    full_monday, follow_up
):
    from bookings.models import AppointmentResource, Resource, ResourceNeed

    busy, first = full_monday
    device = Resource.objects.create(name="Shockwave unit", kind="device")
    ResourceNeed.objects.create(service=follow_up, resource=device)
    join(follow_up, "ann")
    join(follow_up, "bob")
    ann_offer, _bob_offer = freed(first)
    # Ann claims: her appointment holds the one device.
    appointment = waitlist.claim_offer(offer=ann_offer, now=NOW)
    assert list(
        AppointmentResource.objects.filter(appointment=appointment, active=True).values_list(
            "resource__name", flat=True
        )
    ) == ["Shockwave unit"]
    # Freed again, the time goes to Dan (Bob was offered it once already); a colleague takes
    # the device for that time first.
    join(follow_up, "dan")
    services.cancel_appointment(appointment=appointment, by_patient=False, now=NOW, notify=False)
    [dan_offer] = waitlist.offer_freed_time(therapist_id=busy.pk, day=MONDAY, now=NOW)
    colleague = make_therapist("Col League", services_offered=[follow_up])
    make_appointment(
        therapist=colleague, service=follow_up, starts_at=dan_offer.starts_at, email="c@example.com"
    )
    with pytest.raises(ValidationError) as refused:
        waitlist.claim_offer(offer=dan_offer, now=NOW)
    assert refused.value.code == "offer_taken"
    assert WaitlistEntry.objects.get(email="dan@example.com").status == "waiting"
    assert not Appointment.objects.filter(patient__email="dan@example.com").exists()
