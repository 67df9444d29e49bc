"""participants takes over the attendance table that cohorts made (cohorts.0014)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_move(apps, schema_editor):
    """Attendance's content type follows the model (its permissions and admin history)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="participants", model="attendance").exists():
        ContentType.objects.filter(app_label="cohorts", model="attendance").update(
            app_label="participants"
        )


def content_type_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="participants", model="attendance").update(
        app_label="cohorts"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0014_models_moved_out'),
        ('participants', '0004_enrolment_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The tables exist already (made by cohorts' migrations, same names): Django learns
        # that this app owns them, and nothing is created.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Attendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='tanggal')),
                        ('status', models.CharField(choices=[('hadir', 'Hadir'), ('izin', 'Izin'), ('sakit', 'Sakit'), ('alpa', 'Alpa')], max_length=10, verbose_name='kehadiran')),
                        ('recorded_at', models.DateTimeField(auto_now=True)),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='participants.enrolment', verbose_name='peserta angkatan')),
                        ('phase', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='cohorts.cohortphase', verbose_name='tahap')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'presensi',
                        'verbose_name_plural': 'presensi',
                        'db_table': 'cohorts_attendance',
                        'ordering': ['date'],
                        'constraints': [models.UniqueConstraint(fields=('enrolment', 'date'), name='attendance_once_per_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_move, content_type_return),
    ]
