"""ClinicProfile and ContentVersion leave conditions for clinic/ (site-wide, not articles).

State only: the tables, their rows and the content-version triggers stay; clinic migration 0001
takes the models over and renames the tables.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("conditions", "0006_content_version")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ClinicProfile"),
                migrations.DeleteModel(name="ContentVersion"),
            ]
        )
    ]
