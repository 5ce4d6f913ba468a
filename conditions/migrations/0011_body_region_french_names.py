"""The French names of the regions migration 0005 made (an editor's own French is kept)."""

from django.db import migrations

FRENCH = {
    "head-neck": "Tête et cou",
    "shoulder": "Épaule",
    "elbow-forearm": "Coude et avant-bras",
    "wrist-hand": "Poignet et main",
    "back": "Dos",
    "hip-groin": "Hanche et aine",
    "thigh": "Cuisse",
    "knee": "Genou",
    "lower-leg": "Jambe",
    "ankle-foot": "Cheville et pied",
}


def name_in_french(apps, schema_editor):
    BodyRegion = apps.get_model("conditions", "BodyRegion")
    for slug, name in FRENCH.items():
        BodyRegion.objects.filter(slug=slug, name_fr__isnull=True).update(name_fr=name)


class Migration(migrations.Migration):
    dependencies = [("conditions", "0010_search_vectors_per_language")]

    operations = [migrations.RunPython(name_in_french, migrations.RunPython.noop)]
