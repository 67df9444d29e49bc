import cohorts.models
from django.db import migrations, models


def fill_tokens(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    for participant in Participant.objects.all():
        participant.calendar_token = cohorts.models.calendar_token_new()
        participant.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="participant",
            name="calendar_token",
            field=models.CharField(
                default=cohorts.models.calendar_token_new, max_length=64, unique=True
            ),
        ),
    ]
