from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_signatories")]

    operations = []
