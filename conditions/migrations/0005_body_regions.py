"""The body regions patients browse by. Editors can rename, reorder or add to them in the admin."""

from django.db import migrations

REGIONS = [
    ("Head & neck", "head-neck"),
    ("Shoulder", "shoulder"),
    ("Elbow & forearm", "elbow-forearm"),
    ("Wrist & hand", "wrist-hand"),
    ("Back", "back"),
    ("Hip & groin", "hip-groin"),
    ("Thigh", "thigh"),
    ("Knee", "knee"),
    ("Lower leg", "lower-leg"),
    ("Ankle & foot", "ankle-foot"),
]


def create_regions(apps, schema_editor):
    BodyRegion = apps.get_model("conditions", "BodyRegion")
    for order, (name, slug) in enumerate(REGIONS, start=1):
        BodyRegion.objects.get_or_create(slug=slug, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("conditions", "0004_condition_content")]

    operations = [migrations.RunPython(create_regions, migrations.RunPython.noop)]
