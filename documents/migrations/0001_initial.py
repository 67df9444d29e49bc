"""documents takes over the certificate, batch, numbering and phase report tables that
cohorts made (cohorts.0014 lets go of them)."""

import django.db.models.deletion
import documents.models
import uuid
from django.conf import settings
from django.db import migrations, models


MOVED = [
    "certificateseries",
    "numberingpattern",
    "certificate",
    "certificateevent",
    "certificatebatch",
    "phasereport",
]
PERMISSIONS = ["issue_certificates", "view_documents"]


def content_types_move(apps, schema_editor):
    """The content types follow the models, so the permissions on them (view_certificate...)
    and the admin's history keep pointing at the same rows; the two certificate permissions
    move from cohorts.Cohort to documents.Certificate. A fresh database has none of these
    yet: they are made after migrating, under documents."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    taken = set(
        ContentType.objects.filter(app_label="documents").values_list("model", flat=True)
    )
    ContentType.objects.filter(app_label="cohorts", model__in=MOVED).exclude(
        model__in=taken
    ).update(app_label="documents")
    cohort = ContentType.objects.filter(app_label="cohorts", model="cohort").first()
    certificate = ContentType.objects.filter(app_label="documents", model="certificate").first()
    if cohort and certificate:
        Permission.objects.filter(content_type=cohort, codename__in=PERMISSIONS).exclude(
            codename__in=Permission.objects.filter(content_type=certificate).values("codename")
        ).update(content_type=certificate)


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    cohort = ContentType.objects.filter(app_label="cohorts", model="cohort").first()
    certificate = ContentType.objects.filter(app_label="documents", model="certificate").first()
    if cohort and certificate:
        Permission.objects.filter(content_type=certificate, codename__in=PERMISSIONS).update(
            content_type=cohort
        )
    ContentType.objects.filter(app_label="documents", model__in=MOVED).update(
        app_label="cohorts"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cohorts', '0014_models_moved_out'),
        ('curriculum', '0005_eligibilitypolicy'),
        ('participants', '0005_attendance'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The tables exist already (made by cohorts' migrations, same names): Django learns
        # that this app owns them, and nothing is created.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CertificateSeries',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=200, unique=True)),
                        ('last_seq', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': 'seri nomor sertifikat',
                        'verbose_name_plural': 'seri nomor sertifikat',
                        'db_table': 'cohorts_certificateseries',
                    },
                ),
                migrations.CreateModel(
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveIntegerField()),
                        ('number', models.CharField(max_length=200, unique=True, verbose_name='nomor')),
                        ('verification_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('status', models.CharField(choices=[('valid', 'Sah'), ('revoked', 'Dicabut')], default='valid', max_length=10, verbose_name='status')),
                        ('issued_on', models.DateField(verbose_name='tanggal terbit')),
                        ('final_score', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='nilai akhir')),
                        ('predicate', models.CharField(max_length=50, verbose_name='predikat')),
                        ('pdf', models.FileField(blank=True, upload_to=documents.models.certificate_upload_to, verbose_name='berkas PDF')),
                        ('rendered_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='dicabut pada')),
                        ('enrolment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='certificate', to='participants.enrolment', verbose_name='peserta angkatan')),
                        ('series', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='documents.certificateseries')),
                    ],
                    options={
                        'verbose_name': 'sertifikat',
                        'verbose_name_plural': 'sertifikat',
                        'db_table': 'cohorts_certificate',
                        'ordering': ['series', 'seq'],
                        'permissions': [('issue_certificates', 'Dapat menerbitkan sertifikat'), ('view_documents', 'Dapat melihat semua dokumen')],
                    },
                ),
                migrations.CreateModel(
                    name='CertificateBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Menunggu'), ('running', 'Berjalan'), ('merging', 'Menggabungkan berkas'), ('done', 'Selesai'), ('failed', 'Gagal')], default='queued', max_length=10)),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('rendered', models.PositiveIntegerField(default=0)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                        ('merged_pdf', models.FileField(blank=True, max_length=300, upload_to=documents.models.batch_upload_to)),
                        ('archive', models.FileField(blank=True, max_length=300, upload_to=documents.models.batch_upload_to)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certificate_batches', to='cohorts.cohort')),
                        ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'penerbitan sertifikat',
                        'verbose_name_plural': 'penerbitan sertifikat',
                        'db_table': 'cohorts_certificatebatch',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='CertificateEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('issued', 'Diterbitkan'), ('revoked', 'Dicabut'), ('reissued', 'Diterbitkan ulang')], max_length=10)),
                        ('number', models.CharField(db_index=True, max_length=200, verbose_name='nomor')),
                        ('reason', models.TextField(blank=True, verbose_name='alasan')),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('certificate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='documents.certificate')),
                    ],
                    options={
                        'verbose_name': 'riwayat sertifikat',
                        'verbose_name_plural': 'riwayat sertifikat',
                        'db_table': 'cohorts_certificateevent',
                        'ordering': ['at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='NumberingPattern',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('pattern', models.CharField(max_length=200, verbose_name='pola nomor')),
                        ('institution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='numbering_patterns', to='cohorts.institution', verbose_name='lembaga')),
                        ('program', models.ForeignKey(blank=True, help_text='Kosongkan untuk semua program lembaga ini.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='curriculum.program', verbose_name='program')),
                    ],
                    options={
                        'verbose_name': 'pola nomor sertifikat',
                        'verbose_name_plural': 'pola nomor sertifikat',
                        'db_table': 'cohorts_numberingpattern',
                    },
                ),
                migrations.CreateModel(
                    name='PhaseReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('automatic', models.BooleanField(default=False)),
                        ('pdf', models.FileField(max_length=300, upload_to=documents.models.report_upload_to)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('phase', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='cohorts.cohortphase')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'laporan tahap',
                        'verbose_name_plural': 'laporan tahap',
                        'db_table': 'cohorts_phasereport',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='certificate',
                    constraint=models.UniqueConstraint(fields=('series', 'seq'), name='certificate_seq_unique'),
                ),
                migrations.AddConstraint(
                    model_name='numberingpattern',
                    constraint=models.UniqueConstraint(fields=('institution', 'program'), name='pattern_once_per_program'),
                ),
                migrations.AddConstraint(
                    model_name='numberingpattern',
                    constraint=models.UniqueConstraint(condition=models.Q(('program__isnull', True)), fields=('institution',), name='pattern_once_per_institution'),
                ),
                migrations.AddConstraint(
                    model_name='phasereport',
                    constraint=models.UniqueConstraint(condition=models.Q(('automatic', True)), fields=('phase',), name='auto_report_once'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_return),
    ]
