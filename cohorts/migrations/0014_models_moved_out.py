"""Certificates, their batches and numbering, and phase reports move to documents;
attendance moves to participants. Tables and rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0013_batch_merging_status'),
    ]

    operations = [
        # The models move to documents and participants with their rows: only Django's picture
        # of them changes here, the tables stay (documents.0001 and participants.0005 take
        # them over under the same names).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='certificate',
                    name='enrolment',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='series',
                ),
                migrations.RemoveField(
                    model_name='certificateevent',
                    name='certificate',
                ),
                migrations.RemoveField(
                    model_name='certificatebatch',
                    name='cohort',
                ),
                migrations.RemoveField(
                    model_name='certificatebatch',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='certificateevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='numberingpattern',
                    name='institution',
                ),
                migrations.RemoveField(
                    model_name='numberingpattern',
                    name='program',
                ),
                migrations.RemoveField(
                    model_name='phasereport',
                    name='phase',
                ),
                migrations.RemoveField(
                    model_name='phasereport',
                    name='requested_by',
                ),
                migrations.DeleteModel(
                    name='Attendance',
                ),
                migrations.DeleteModel(
                    name='CertificateSeries',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),
                migrations.DeleteModel(
                    name='CertificateBatch',
                ),
                migrations.DeleteModel(
                    name='CertificateEvent',
                ),
                migrations.DeleteModel(
                    name='NumberingPattern',
                ),
                migrations.DeleteModel(
                    name='PhaseReport',
                ),
            ],
            database_operations=[],
        ),
        # The certificate permissions now belong to documents.Certificate (documents.0001
        # moves the rows, so roles and users keep them).
        migrations.AlterModelOptions(
            name='cohort',
            options={'ordering': ['-start_date', 'program__name', 'angkatan'], 'verbose_name': 'angkatan', 'verbose_name_plural': 'angkatan'},
        ),
    ]
