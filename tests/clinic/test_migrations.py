"""Clinic migration 0001 takes the clinic's profile and the content version over from conditions,
keeping the rows, the triggers that bump the version and the content editors' permission."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from clinic.models import ClinicProfile, ContentVersion

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("conditions", "0006_content_version"), ("bookings", "0008_outgoing_email_attempt")]
EDITORS = "Content editors"


def test_the_profile_row_its_triggers_and_the_editors_permission_move_to_clinic(migrate_to):
    apps = migrate_to(BEFORE)
    OldProfile = apps.get_model("conditions", "ClinicProfile")
    OldProfile.objects.all().delete()
    OldProfile.objects.create(name="Harbour Physio", phone="+44 20 7946 0000")
    # A flush between tests empties the groups: give the editors what migration 0004 gave them.
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        apps.get_model("auth", "Permission").objects.get(
            content_type__app_label="conditions", codename="change_clinicprofile"
        )
    )

    migrate_to()

    profile = ClinicProfile.objects.get()
    assert profile.name == "Harbour Physio"
    before = ContentVersion.objects.get(pk=1).value
    profile.tagline = "Renamed tables still bump the version"
    profile.save()
    assert ContentVersion.objects.get(pk=1).value > before

    codenames = set(
        Group.objects.get(name=EDITORS).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("clinic", "change_clinicprofile") in codenames
    assert not any(app == "conditions" and "clinicprofile" in code for app, code in codenames)
    assert not ContentType.objects.filter(app_label="conditions", model="clinicprofile").exists()
