from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_paper_forms_restrict")]

    operations = []
