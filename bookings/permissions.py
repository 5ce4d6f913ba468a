"""Who may see which schedule: the access helpers every /schedule/ view starts with.

Roles (the groups are created by migration 0004):
- a therapist is a user linked to an active `Therapist`: their own schedule, patients, time off;
- the front desk is a member of "Front desk" (or a superuser): every therapist's.

Anything else, and any other therapist's schedule or appointment, is a plain 404 that says
nothing about what exists. The schedule and the calendar-feed page use the same helpers: they
raise, never return None, unless asked to leave the choice of therapist to the front desk.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.http import Http404, HttpRequest

from bookings.models import Appointment, Therapist, TimeOff

FRONT_DESK = "Front desk"
CONTENT_EDITORS = "Content editors"
THERAPISTS = "Therapists"
GROUPS = (THERAPISTS, FRONT_DESK, CONTENT_EDITORS)
# Ids beyond this are not keys PostgreSQL's bigint can hold: a 404 like any unknown one.
MAX_ID = 2**63 - 1


# What each group may do in the admin. Migration 0004 creates the groups with the same rules;
# `ensure_staff_groups` repairs them (the demo loader calls it: a test database flushed between
# tests keeps the permissions but loses the migration's groups).
FRONT_DESK_EXCLUDED = {
    "add_appointmentevent",
    "change_appointmentevent",
    "delete_appointmentevent",
    "delete_appointment",
    "delete_patient",
    "delete_bookingrules",
    # Sign-in links are the patients' own: digests no one at the clinic needs to see.
    "add_signinlink",
    "change_signinlink",
    "delete_signinlink",
    "view_signinlink",
    # Intake forms are read on the appointment's page only, each view recorded; never in the
    # admin (bookings 0015).
    "add_intakeform",
    "change_intakeform",
    "delete_intakeform",
    "view_intakeform",
    # What an appointment holds changes only with the appointment (bookings/services/).
    "add_appointmentresource",
    "change_appointmentresource",
}
# Content editors also change the clinic's profile: one row, changed, never added or deleted.
CONTENT_EDITORS_CLINIC = {"change_clinicprofile", "view_clinicprofile"}
# Both edit the front door: staff pages (changed, never deleted), opening hours and closures
# (clinic migration 0004 grants the same).
FRONT_DOOR = {
    "add_page",
    "change_page",
    "view_page",
    *(
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("openinghours", "closure")
    ),
}


def ensure_staff_groups() -> dict[str, Group]:
    """The three staff groups with their permissions; safe to call any number of times."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
    groups[FRONT_DESK].permissions.add(
        *Permission.objects.filter(content_type__app_label="bookings").exclude(
            codename__in=FRONT_DESK_EXCLUDED
        ),
        *Permission.objects.filter(content_type__app_label="conditions", codename="view_condition"),
        *Permission.objects.filter(content_type__app_label="clinic", codename__in=FRONT_DOOR),
    )
    groups[CONTENT_EDITORS].permissions.add(
        *Permission.objects.filter(content_type__app_label="conditions"),
        *Permission.objects.filter(
            content_type__app_label="clinic", codename__in=CONTENT_EDITORS_CLINIC | FRONT_DOOR
        ),
    )
    return groups


@dataclass(frozen=True)
class StaffAccess:
    therapist: Therapist | None  # the user's own therapist row, when they are one
    front_desk: bool

    def can_see(self, therapist_id: int) -> bool:
        return self.front_desk or (self.therapist is not None and self.therapist.pk == therapist_id)


def is_front_desk(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=FRONT_DESK).exists()


def get_staff_access(request: HttpRequest, *, inactive_therapist: bool = False) -> StaffAccess:
    """The schedule access of the logged-in user; Http404 for anyone without any.

    A therapist switched off (`active=False`) has no schedule; `inactive_therapist=True` still
    counts them as themselves, for the calendar page that tells them their feed is off.
    """
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise Http404
    therapists = Therapist.objects.all() if inactive_therapist else Therapist.objects.active()
    therapist = therapists.filter(user=user).first()
    front_desk = is_front_desk(user)
    if therapist is None and not front_desk:
        raise Http404
    return StaffAccess(therapist=therapist, front_desk=front_desk)


def parse_therapist_id(value: str | int | None) -> int | None:
    """A therapist id from a query or form: None when absent, Http404 when it cannot be one."""
    if value is None or value == "":
        return None
    value = str(value)
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise Http404
    return int(value)


def get_therapist_for_user(
    access: StaffAccess, therapist_id: str | int | None, *, first_if_none: bool = True
) -> Therapist | None:
    """The therapist whose schedule or feed to show: the asked-for one if the user may see it.

    No id: the user's own; for the front desk who is not a therapist, the first active therapist
    (`first_if_none`), or None to let them choose. Anything they may not see is Http404.
    """
    requested = parse_therapist_id(therapist_id)
    if requested is None:
        if access.therapist is not None or not first_if_none:
            return access.therapist
        first = Therapist.objects.active().order_by("display_name", "pk").first()
        if first is None:
            raise Http404
        return first
    if not access.can_see(requested):
        raise Http404
    if access.therapist is not None and access.therapist.pk == requested:
        return access.therapist
    try:
        return Therapist.objects.get(pk=requested)
    except Therapist.DoesNotExist:
        raise Http404 from None


def get_appointment_for_user(access: StaffAccess, pk: int) -> Appointment:
    appointments = Appointment.objects.select_related(
        "therapist", "service", "patient", "condition"
    )
    if not access.front_desk:
        appointments = appointments.filter(therapist=access.therapist)
    try:
        return appointments.get(pk=pk)
    except Appointment.DoesNotExist:
        raise Http404 from None


def get_time_off_for_user(access: StaffAccess, pk: int) -> TimeOff:
    time_off = TimeOff.objects.select_related("therapist")
    if not access.front_desk:
        time_off = time_off.filter(therapist=access.therapist)
    try:
        return time_off.get(pk=pk)
    except TimeOff.DoesNotExist:
        raise Http404 from None
