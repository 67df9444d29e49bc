from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_report_job")]

    operations = []
