import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0011_visits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="birth_place",
            field=models.CharField(blank=True, max_length=100, verbose_name="tempat lahir"),
        ),
        migrations.CreateModel(
            name="CommitmentDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(upload_to="komitmen/", verbose_name="dokumen komitmen")),
                ("kind", models.CharField(max_length=4, verbose_name="jenis berkas")),
                ("uploaded_at", models.DateTimeField(auto_now=True, verbose_name="diunggah pada")),
                (
                    "enrolment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="commitment",
                        to="participants.enrolment",
                        verbose_name="peserta angkatan",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "dokumen komitmen bersama",
                "verbose_name_plural": "dokumen komitmen bersama",
            },
        ),
    ]
