from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0017_api_keys")]

    operations = []
