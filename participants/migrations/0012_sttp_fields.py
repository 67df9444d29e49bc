from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("participants", "0011_visits")]

    operations = []
