import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0003_cohort_calendar_token_cohort_program_version_and_more"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cohort",
            name="program_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cohorts",
                to="curriculum.programversion",
                verbose_name="versi program",
            ),
        ),
    ]
