"""Content editors keep changing the clinic's profile now that it lives in the clinic app.

On a database migrated before the move, the permissions moved with their content type and this
changes nothing; on a new one, the clinic app's permissions are created here and granted.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_EDITORS = "Content editors"
CONTENT_EDITORS_CLINIC = ["change_clinicprofile", "view_clinicprofile"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("clinic")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=CONTENT_EDITORS)
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="clinic", codename__in=CONTENT_EDITORS_CLINIC
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0008_outgoing_email_attempt"),
        ("clinic", "0001_site_rows_from_conditions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
