from django.db import migrations, models


def fill_from_projects(apps, schema_editor):
    from projects.grading import predicate_for

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
