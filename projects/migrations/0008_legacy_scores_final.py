from django.db import migrations


def legacy_scores_final(apps, schema_editor):
    """Projects scored before rubrics existed keep their score as final: no rubric sheet can
    recompute (and so silently replace) it. Staff reopen a project's scoring to redo it."""
    ChangeProject = apps.get_model("projects", "ChangeProject")
    ChangeProject.objects.filter(final_score__isnull=False, sheets__isnull=True).update(
        state="final"
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_project_orderings")]

    operations = [migrations.RunPython(legacy_scores_final, migrations.RunPython.noop)]
