from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models

# The LAN default predicates as they stood when this migration was written (exclusive floor,
# highest first): a migration keeps its own copy of a rule, so that it never imports a later
# layout of the code (projects.grading has the living one).
BANDS = [
    (Decimal("90.00"), "Sangat Memuaskan"),
    (Decimal("80.00"), "Memuaskan"),
    (Decimal("70.00"), "Cukup Memuaskan"),
    (Decimal("60.00"), "Kurang Memuaskan"),
]


def predicate_for(score):
    if score is None:
        return None
    score = Decimal(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return next((name for floor, name in BANDS if score > floor), "Tidak Memuaskan")


def fill_from_projects(apps, schema_editor):
    Certificate = apps.get_model("cohorts", "Certificate")
    ChangeProject = apps.get_model("projects", "ChangeProject")
    for certificate in Certificate.objects.all():
        project = ChangeProject.objects.get(enrolment_id=certificate.enrolment_id)
        certificate.final_score = project.final_score
        certificate.predicate = str(predicate_for(project.final_score))
        certificate.save(update_fields=["final_score", "predicate"])


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0004_cohort_program_version_required"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="final_score",
            field=models.DecimalField(
                decimal_places=2, max_digits=5, null=True, verbose_name="nilai akhir"
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="predicate",
            field=models.CharField(default="", max_length=50, verbose_name="predikat"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_from_projects, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="final_score",
            field=models.DecimalField(decimal_places=2, max_digits=5, verbose_name="nilai akhir"),
        ),
    ]
