import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_signatories")]

    operations = [
        migrations.CreateModel(
            name="CertificateCredential",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=200, verbose_name="nomor")),
                (
                    "credential_id",
                    models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                ),
                ("status_list", models.PositiveIntegerField(default=1)),
                ("status_index", models.PositiveIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "certificate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credentials",
                        to="documents.certificate",
                        verbose_name="sertifikat",
                    ),
                ),
            ],
            options={
                "verbose_name": "kredensial sertifikat",
                "verbose_name_plural": "kredensial sertifikat",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("certificate", "number"), name="credential_per_certificate_number"
                    ),
                    models.UniqueConstraint(
                        fields=("status_list", "status_index"),
                        name="credential_status_bit_unique",
                    ),
                ],
            },
        ),
    ]
