"""Signatories of institutions and signing through BSrE (issue 17): documents.bsre_models."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_siasn_sync"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BatchSigning",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("awaiting", "Menunggu tanda tangan"),
                            ("queued", "Disetujui, menunggu pekerja"),
                            ("signing", "Sedang ditandatangani"),
                            ("interrupted", "Terhenti"),
                            ("done", "Selesai ditandatangani"),
                        ],
                        default="awaiting",
                        max_length=12,
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0)),
                ("signed", models.PositiveIntegerField(default=0)),
                ("error", models.TextField(blank=True)),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "batch",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signing",
                        to="documents.certificatebatch",
                    ),
                ),
            ],
            options={
                "verbose_name": "penandatanganan BSrE",
                "verbose_name_plural": "penandatanganan BSrE",
            },
        ),
        migrations.CreateModel(
            name="CertificateSignature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "Belum ditandatangani"), ("signed", "Ditandatangani")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("reason", models.TextField(blank=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("sent_sha256", models.CharField(blank=True, max_length=64)),
                ("signed_sha256", models.CharField(blank=True, max_length=64)),
                ("signed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "certificate",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bsre_signature",
                        to="documents.certificate",
                    ),
                ),
                (
                    "signing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signatures",
                        to="documents.batchsigning",
                    ),
                ),
            ],
            options={
                "verbose_name": "tanda tangan BSrE sertifikat",
                "verbose_name_plural": "tanda tangan BSrE sertifikat",
            },
        ),
        migrations.CreateModel(
            name="InstitutionSigner",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("local", "Kunci lokal (PKCS#12)"),
                            ("bsre", "BSrE: tanda tangan pimpinan (NIK dan passphrase)"),
                            ("bsre_seal", "BSrE: segel elektronik lembaga (TOTP)"),
                        ],
                        default="local",
                        max_length=10,
                        verbose_name="cara menandatangani",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="nama penanda tangan")),
                ("nip", models.CharField(blank=True, max_length=18, verbose_name="NIP")),
                ("title", models.CharField(max_length=200, verbose_name="jabatan")),
                (
                    "acting",
                    models.BooleanField(
                        default=False,
                        help_text="Jabatan ditulis dengan awalan “Plt.”.",
                        verbose_name="pelaksana tugas (Plt.)",
                    ),
                ),
                (
                    "nik",
                    models.CharField(
                        blank=True,
                        help_text="Untuk tanda tangan BSrE: NIK pemilik sertifikat elektronik.",
                        max_length=16,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{16}\\Z", "NIK terdiri atas 16 angka."
                            )
                        ],
                        verbose_name="NIK",
                    ),
                ),
                (
                    "seal_id",
                    models.CharField(
                        blank=True,
                        help_text="Untuk segel elektronik BSrE.",
                        max_length=100,
                        verbose_name="ID segel (idSubscriber)",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "institution",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signer",
                        to="cohorts.institution",
                        verbose_name="lembaga",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="signer_of",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="akun penanda tangan",
                    ),
                ),
            ],
            options={
                "verbose_name": "penanda tangan lembaga",
                "verbose_name_plural": "penanda tangan lembaga",
            },
        ),
        migrations.CreateModel(
            name="SigningEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("approved", "Disetujui"),
                            ("interrupted", "Terhenti"),
                            ("resumed", "Dilanjutkan"),
                            ("done", "Selesai"),
                        ],
                        max_length=12,
                    ),
                ),
                ("detail", models.TextField(blank=True)),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "signing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="documents.batchsigning",
                    ),
                ),
            ],
            options={
                "verbose_name": "riwayat penandatanganan",
                "verbose_name_plural": "riwayat penandatanganan",
                "ordering": ["at", "pk"],
            },
        ),
    ]
