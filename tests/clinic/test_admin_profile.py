"""The clinic's front door in the admin: the profile (typed phones stored E.164), opening hours,
closures, and who may edit them."""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group

from bookings import permissions
from clinic.clock import local_today
from clinic.models import ClinicProfile, Closure, OpeningHours

pytestmark = pytest.mark.django_db

PROFILE_URL = "/admin/clinic/clinicprofile/{}/change/"


@pytest.fixture
def profile():
    return ClinicProfile.objects.get()


def staff_in(django_user_model, username, group_name):
    permissions.ensure_staff_groups()
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pass-12345")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    return staff_in(django_user_model, "editor", permissions.CONTENT_EDITORS)


@pytest.fixture
def front_desk(django_user_model):
    return staff_in(django_user_model, "desk", permissions.FRONT_DESK)


@pytest.fixture
def therapist(django_user_model):
    """Staff flag set, but only in the Therapists group: no admin permissions at all."""
    return staff_in(django_user_model, "therapist", permissions.THERAPISTS)


def form_data(profile, **changes):
    data = {
        "name": profile.name,
        "tagline_en": profile.tagline_en or "",
        "tagline_fr": profile.tagline_fr or "",
        "award_line_en": profile.award_line_en or "",
        "award_line_fr": profile.award_line_fr or "",
        "phone": profile.phone,
        "phone_label": profile.phone_label,
        "second_phone": profile.second_phone,
        "second_phone_label": profile.second_phone_label,
        "email": profile.email,
        "street_address": "1200 Main Street",
        "city": "San Mateo",
        "region": "CA",
        "postal_code": "94401",
        "country": profile.country,
        "map_url": "",
        "latitude": "",
        "longitude": "",
        "directions_en": "",
        "directions_fr": "",
        "parking_en": "",
        "parking_fr": "",
        "public_transport_en": "",
        "public_transport_fr": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("+1 650 815 6552", "+16508156552"),
        ("(650) 815-6552", "+16508156552"),
        ("650.815.6552", "+16508156552"),
        ("001 650 815 6552", "+16508156552"),
    ],
)
def test_it_stores_a_phone_typed_the_usual_ways_in_e164(client, admin_user, profile, typed, stored):
    client.force_login(admin_user)
    response = client.post(PROFILE_URL.format(profile.pk), form_data(profile, phone=typed))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.phone == stored


def test_it_reads_a_national_number_in_the_profiles_country(client, admin_user, profile):
    client.force_login(admin_user)
    data = form_data(profile, country="FR", phone="07 84 26 43 52", second_phone="+1 650 815 6552")
    assert client.post(PROFILE_URL.format(profile.pk), data).status_code == 302
    profile.refresh_from_db()
    assert (profile.phone, profile.second_phone) == ("+33784264352", "+16508156552")
    assert profile.phones[0]["number"] == "+33 7 84 26 43 52"


@pytest.mark.parametrize("typed", ["123", "+1 555 0", "call us", "+44 20 1234"])
def test_it_refuses_an_impossible_number_and_keeps_the_stored_one(
    client, admin_user, profile, typed
):
    client.force_login(admin_user)
    response = client.post(PROFILE_URL.format(profile.pk), form_data(profile, second_phone=typed))
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not a possible phone number" in body
    assert typed in body  # what they typed is still in the box
    profile.refresh_from_db()
    assert profile.second_phone == "+33784264352"


def test_the_second_phone_may_be_left_empty(client, admin_user, profile):
    client.force_login(admin_user)
    data = form_data(profile, second_phone="", second_phone_label="")
    assert client.post(PROFILE_URL.format(profile.pk), data).status_code == 302
    profile.refresh_from_db()
    assert profile.second_phone == "" and len(profile.phones) == 1


def test_the_profile_form_groups_address_location_and_directions(client, admin_user, profile):
    client.force_login(admin_user)
    body = client.get(PROFILE_URL.format(profile.pk)).content.decode()
    for heading in ["Contact", "Address", "Location", "Getting here"]:
        assert f">{heading}<" in body
    for field in ["street_address", "postal_code", "map_url", "latitude", "directions_fr"]:
        assert f'name="{field}"' in body


def test_hours_are_edited_in_the_list_without_clock_shortcuts(client, front_desk):
    block = OpeningHours.objects.create(weekday=0, opens=time(8), closes=time(19))
    client.force_login(front_desk)
    body = client.get("/admin/clinic/openinghours/").content.decode()
    assert 'type="time"' in body and 'value="08:00"' in body
    assert "vTimeField" not in body  # the admin's widget, with its "Now" shortcut
    response = client.post(
        "/admin/clinic/openinghours/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(block.pk),
            "form-0-opens": "09:00",
            "form-0-closes": "18:30",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert (block.opens, block.closes) == (time(9), time(18, 30))


def test_a_block_that_opens_and_closes_at_once_is_refused(client, front_desk):
    client.force_login(front_desk)
    response = client.post(
        "/admin/clinic/openinghours/add/", {"weekday": "0", "opens": "08:00", "closes": "08:00"}
    )
    assert response.status_code == 200
    assert "must close at another time than it opens" in response.content.decode()
    assert not OpeningHours.objects.exists()


def test_closures_are_listed_soonest_first_then_the_past(client, editor):
    today = local_today()
    past = Closure.objects.create(
        first_day=today - timedelta(days=30), last_day=today - timedelta(days=30), reason="Past"
    )
    later = Closure.objects.create(
        first_day=today + timedelta(days=40), last_day=today + timedelta(days=41), reason="Later"
    )
    soon = Closure.objects.create(
        first_day=today + timedelta(days=3), last_day=today + timedelta(days=3), reason="Soon"
    )
    client.force_login(editor)
    response = client.get("/admin/clinic/closure/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [soon, later, past]
    upcoming = client.get("/admin/clinic/closure/?when=upcoming").context["cl"].result_list
    assert list(upcoming) == [soon, later]


def test_the_closure_drill_down_is_kept_in_range(client, editor):
    client.force_login(editor)
    response = client.get("/admin/clinic/closure/?first_day__year=9999")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_the_front_desk_and_editors_edit_hours_closures_and_pages(client, editor, front_desk):
    for user in (editor, front_desk):
        client.force_login(user)
        for path in [
            "/admin/clinic/openinghours/add/",
            "/admin/clinic/closure/add/",
            "/admin/clinic/page/",
        ]:
            assert client.get(path).status_code == 200, (user, path)


def test_a_therapist_cannot_edit_hours_closures_or_pages(client, therapist):
    client.force_login(therapist)
    for path in [
        "/admin/clinic/openinghours/",
        "/admin/clinic/closure/add/",
        "/admin/clinic/page/",
        "/admin/clinic/clinicprofile/",
    ]:
        assert client.get(path).status_code == 403, path


def test_the_migration_grants_what_the_group_repair_grants():
    from importlib import import_module

    migration = import_module("clinic.migrations.0004_default_pages_and_staff_permissions")
    granted = {codename for app, codename in migration.FRONT_DOOR}
    assert granted == permissions.FRONT_DOOR


def test_the_profile_list_shows_phones_and_city(client, admin_user, profile):
    profile.city, profile.region, profile.postal_code = "San Mateo", "CA", "94401"
    profile.save()
    client.force_login(admin_user)
    body = client.get("/admin/clinic/clinicprofile/").content.decode()
    assert "+1 650-815-6552 · +33 7 84 26 43 52" in body
    assert "San Mateo, CA 94401" in body
