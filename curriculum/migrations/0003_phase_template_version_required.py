import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0002_program_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="phasetemplate",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="phase_templates",
                to="curriculum.programversion",
                verbose_name="versi program",
            ),
        ),
    ]
