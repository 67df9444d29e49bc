"""Accounts created for participants and mentors before they carried names get the person's
name (with titles), so pages and histories show it rather than the NIP."""

from django.db import migrations

NAME_PART = 150


def name_fields(name):
    # A copy of config.users.name_fields as it was when this migration was written.
    name = " ".join((name or "").split())
    if len(name) <= NAME_PART:
        return name, ""
    cut = name.rfind(" ", 0, NAME_PART + 1)
    cut = cut if cut > 0 else NAME_PART
    return name[:cut], name[cut:].strip()[:NAME_PART]


def names_fill(apps, schema_editor):
    User = apps.get_model("auth", "User")
    for model in ("Participant", "Mentor"):
        people = apps.get_model("participants", model).objects.filter(
            user__isnull=False, user__first_name="", user__last_name=""
        )
        for user_id, name in people.values_list("user_id", "name"):
            first, last = name_fields(name)
            User.objects.filter(pk=user_id, first_name="", last_name="").update(
                first_name=first, last_name=last
            )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_mentor_phone"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(names_fill, migrations.RunPython.noop)]
