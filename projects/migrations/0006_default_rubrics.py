from decimal import Decimal

from django.db import migrations

# The defaults as they were when rubrics arrived; later programs get projects.scoring's.
DEFAULT_RUBRICS = {
    "coach": (40, [("Kualitas rancangan", "Masalah, gagasan, dan tonggak yang jelas dan terukur", 30),
                   ("Konsistensi pelaksanaan", "Kegiatan berjalan sesuai rancangan dan bimbingan", 40),
                   ("Kualitas laporan", "Laporan lengkap dengan bukti kegiatan", 30)]),
    "mentor": (20, [("Dukungan bagi tujuan organisasi", "Hasil proyek berguna bagi unit kerja", 50),
                    ("Sikap dan kerja sama", "Kerja sama dengan tim efektif dan pemangku", 50)]),
    "examiner": (40, [("Capaian", "Tonggak jangka pendek tercapai dengan bukti", 40),
                      ("Kebermanfaatan", "Manfaat bagi pelayanan dan pemangku kepentingan", 30),
                      ("Komunikasi", "Penyajian dan jawaban dalam seminar", 30)]),
}


def rubrics_seed(apps, schema_editor):
    Program = apps.get_model("curriculum", "Program")
    Rubric = apps.get_model("projects", "Rubric")
    Criterion = apps.get_model("projects", "Criterion")
    for program in Program.objects.filter(rubrics__isnull=True):
        for role, (weight, criteria) in DEFAULT_RUBRICS.items():
            rubric = Rubric.objects.create(program=program, role=role, weight=Decimal(weight))
            for order, (name, text, w) in enumerate(criteria, start=1):
                Criterion.objects.create(
                    rubric=rubric, order=order, name=name, description=text, weight=Decimal(w)
                )


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_project_life")]

    operations = [migrations.RunPython(rubrics_seed, migrations.RunPython.noop)]
