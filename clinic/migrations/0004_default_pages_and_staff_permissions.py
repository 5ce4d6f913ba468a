"""The pages every clinic starts with (privacy notice, terms, cancellation policy, accessibility,
about), published and in the footer in English and French; and who edits the front door.

Content editors and the front desk edit staff pages, opening hours and closures (pages are
changed, not deleted: a patient's consent names a privacy notice's version). The front desk
also reads and answers the contact page's messages (bookings 0012 made that model after
bookings 0004 had granted the group its permissions).

Permissions are normally created by post_migrate, after every migration: on an empty database
they do not exist yet, so they are created here first, as bookings 0004 does.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

from clinic.default_pages import PAGES, ensure_default_pages

FRONT_DESK = "Front desk"
CONTENT_EDITORS = "Content editors"
FRONT_DOOR = [
    ("clinic", "add_page"),
    ("clinic", "change_page"),
    ("clinic", "view_page"),
    ("clinic", "add_openinghours"),
    ("clinic", "change_openinghours"),
    ("clinic", "delete_openinghours"),
    ("clinic", "view_openinghours"),
    ("clinic", "add_closure"),
    ("clinic", "change_closure"),
    ("clinic", "delete_closure"),
    ("clinic", "view_closure"),
]
GRANTS = {
    CONTENT_EDITORS: FRONT_DOOR,
    FRONT_DESK: [
        *FRONT_DOOR,
        ("bookings", "view_contactmessage"),
        ("bookings", "change_contactmessage"),
    ],
}


def _ensure_permissions(apps):
    for label in ("clinic", "bookings"):
        app_config = apps.get_app_config(label)
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = previous


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in pairs:
        found.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    return found


def forwards(apps, schema_editor):
    ensure_default_pages(apps.get_model("clinic", "Page"), now=timezone.now())
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for name, pairs in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, pairs))


def backwards(apps, schema_editor):
    Page = apps.get_model("clinic", "Page")
    # Only pages never edited since they were created here.
    Page.objects.filter(slug__in=[spec["slug"] for spec in PAGES], version=1).delete()
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*_permissions(apps, GRANTS[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_front_door"),
        # The staff groups (bookings 0004, 0009) and the contact messages (bookings 0012).
        ("bookings", "0012_front_door"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
