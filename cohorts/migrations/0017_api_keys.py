from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0016_speakers_and_session_jp")]

    operations = []
