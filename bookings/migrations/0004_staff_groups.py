"""The three staff groups and their permissions: Therapists, Front desk, Content editors.

Permissions are normally created by post_migrate, after every migration has run: on an empty
database they do not exist yet when this runs. So this creates them first, for the apps it needs,
with the migration's historical models (the documented `create_permissions` call, given an app
config whose `models_module` is set, since the state's stubs have none).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FRONT_DESK = "Front desk"
CONTENT_EDITORS = "Content editors"
THERAPISTS = "Therapists"

# Front desk: every bookings model, but the history is read-only and nothing is deleted
# that holds a patient's record.
FRONT_DESK_EXCLUDED = {
    "add_appointmentevent",
    "change_appointmentevent",
    "delete_appointmentevent",
    "delete_appointment",
    "delete_patient",
    "delete_bookingrules",
}
# What the front desk reads elsewhere: an appointment's linked condition.
FRONT_DESK_EXTRA = [("conditions", "view_condition")]
# Content editors: every conditions model; the clinic profile is one row, changed not replaced.
CONTENT_EDITORS_EXCLUDED = {"add_clinicprofile", "delete_clinicprofile"}


def ensure_permissions(apps):
    for label in ("contenttypes", "auth", "conditions", "bookings"):
        app_config = apps.get_app_config(label)
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = previous


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    front_desk, _ = Group.objects.get_or_create(name=FRONT_DESK)
    front_desk.permissions.add(
        *Permission.objects.filter(content_type__app_label="bookings").exclude(
            codename__in=FRONT_DESK_EXCLUDED
        ),
        *[
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in FRONT_DESK_EXTRA
        ],
    )

    editors, _ = Group.objects.get_or_create(name=CONTENT_EDITORS)
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="conditions").exclude(
            codename__in=CONTENT_EDITORS_EXCLUDED
        )
    )

    # Therapists work in /schedule/, not the admin: the group marks the role, with no
    # model permissions.
    Group.objects.get_or_create(name=THERAPISTS)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[FRONT_DESK, CONTENT_EDITORS, THERAPISTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("conditions", "0005_body_regions"),
        ("bookings", "0003_appointment_events_and_reminders"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
