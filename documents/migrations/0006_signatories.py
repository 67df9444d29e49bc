import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_bsre_signing"),
        ("cohorts", "0018_on_behalf_of"),
        ("curriculum", "0007_evaluation_criteria"),
    ]

    operations = [
        migrations.CreateModel(
            name="CertificateSignatory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=1, verbose_name="urutan")),
                ("name", models.CharField(max_length=200, verbose_name="nama dan gelar")),
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
                    "signature",
                    models.FileField(
                        blank=True, upload_to="lembaga/", verbose_name="gambar tanda tangan"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "institution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="certificate_signatories",
                        to="cohorts.institution",
                        verbose_name="lembaga",
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        blank=True,
                        help_text="Kosongkan untuk semua program yang tidak punya penanda tangan sendiri.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="certificate_signatories",
                        to="curriculum.program",
                        verbose_name="program",
                    ),
                ),
            ],
            options={
                "verbose_name": "penanda tangan sertifikat",
                "verbose_name_plural": "penanda tangan sertifikat",
                "ordering": ["institution", "program", "order", "pk"],
            },
        ),
    ]
