import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import projects.follow_up_models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_paper_forms_restrict"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FollowUpRound",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("months", models.PositiveSmallIntegerField(verbose_name="bulan setelah seminar")),
                ("due_on", models.DateField(verbose_name="jatuh tempo")),
                ("opened_at", models.DateTimeField(auto_now_add=True)),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="diisi pada")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="dikonfirmasi pada")),
                ("mentor_note", models.TextField(blank=True, verbose_name="catatan mentor")),
                ("answered_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("confirmed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="follow_up_rounds", to="projects.changeproject")),
            ],
            options={
                "verbose_name": "tindak lanjut proyek",
                "verbose_name_plural": "tindak lanjut proyek",
                "ordering": ["project", "months"],
            },
        ),
        migrations.CreateModel(
            name="FollowUpAnswer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=[("belum", "Belum dimulai"), ("berjalan", "Berjalan"), ("selesai", "Selesai"), ("terhenti", "Terhenti")], max_length=10, verbose_name="status")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="catatan singkat")),
                ("link", models.URLField(blank=True, max_length=500, verbose_name="tautan bukti")),
                ("file", models.FileField(blank=True, max_length=300, upload_to=projects.follow_up_models.follow_up_evidence_path)),
                ("original_name", models.CharField(blank=True, max_length=255, verbose_name="nama berkas")),
                ("extension", models.CharField(blank=True, max_length=5)),
                ("milestone", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="follow_up_answers", to="projects.milestone")),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="answers", to="projects.followupround")),
            ],
            options={
                "verbose_name": "isian tindak lanjut",
                "verbose_name_plural": "isian tindak lanjut",
                "ordering": ["round", "pk"],
            },
        ),
        migrations.CreateModel(
            name="CataloguePublication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("region", models.CharField(max_length=100, verbose_name="wilayah")),
                ("summary", models.TextField(blank=True, verbose_name="ringkasan")),
                ("results", models.TextField(blank=True, verbose_name="hasil")),
                ("show_summary", models.BooleanField(default=True, verbose_name="tampilkan ringkasan")),
                ("show_results", models.BooleanField(default=True, verbose_name="tampilkan hasil")),
                ("show_name", models.BooleanField(default=True, verbose_name="tampilkan nama saya")),
                ("published", models.BooleanField(default=False, verbose_name="terbit")),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="terbit pada")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("project", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="publication", to="projects.changeproject")),
            ],
            options={
                "verbose_name": "inovasi di katalog",
                "verbose_name_plural": "inovasi di katalog",
                "ordering": ["-published_at", "pk"],
                "indexes": [models.Index(fields=["published", "region"], name="catalogue_region")],
            },
        ),
        migrations.AddConstraint(
            model_name="followupround",
            constraint=models.UniqueConstraint(fields=("project", "months"), name="follow_up_round_once"),
        ),
        migrations.AddConstraint(
            model_name="followupanswer",
            constraint=models.UniqueConstraint(fields=("round", "milestone"), name="follow_up_answer_once"),
        ),
    ]
