import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0017_api_keys")]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="on_behalf_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cohorts_on_behalf",
                to="cohorts.institution",
                verbose_name="atas nama",
            ),
        ),
        migrations.AddField(
            model_name="cohort",
            name="on_behalf_signs",
            field=models.BooleanField(
                default=False,
                help_text="Sertifikat memuat blok tanda tangan lembaga yang diwakili (a.n.).",
                verbose_name="blok tanda tangan atas nama pada sertifikat",
            ),
        ),
        migrations.AddField(
            model_name="institution",
            name="certificate_transcript",
            field=models.BooleanField(
                default=False,
                help_text="Sertifikat diberi halaman kedua: daftar mata pelatihan dengan JP-nya.",
                verbose_name="halaman transkrip mata pelatihan",
            ),
        ),
    ]
