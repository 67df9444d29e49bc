import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_report_job"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SiasnSync",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=[("not_sent", "Belum dikirim"), ("sending", "Sedang dikirim"), ("sent", "Terkirim"), ("failed", "Gagal")], default="not_sent", max_length=10, verbose_name="status")),
                ("siasn_id", models.CharField(blank=True, max_length=64, verbose_name="ID riwayat SIASN")),
                ("document_sent", models.BooleanField(default=False, verbose_name="PDF terlampir")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="percobaan")),
                ("error", models.TextField(blank=True, verbose_name="alasan gagal")),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="terkirim pada")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("certificate", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="siasn", to="documents.certificate", verbose_name="sertifikat")),
                ("requested_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "kiriman SIASN",
                "verbose_name_plural": "kiriman SIASN",
                "indexes": [models.Index(fields=["status"], name="siasn_sync_status")],
            },
        ),
    ]
