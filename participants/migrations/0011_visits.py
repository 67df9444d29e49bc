import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0010_evaluations"),
        ("cohorts", "0016_speakers_and_session_jp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Visit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="judul")),
                ("destination", models.CharField(max_length=200, verbose_name="daerah tujuan")),
                ("start_date", models.DateField(verbose_name="tanggal mulai")),
                ("end_date", models.DateField(verbose_name="tanggal selesai")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "cohorts",
                    models.ManyToManyField(
                        related_name="visits", to="cohorts.cohort", verbose_name="angkatan peserta"
                    ),
                ),
                (
                    "organiser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="organised_visits",
                        to="cohorts.institution",
                        verbose_name="penyelenggara",
                    ),
                ),
            ],
            options={
                "verbose_name": "studi lapangan",
                "verbose_name_plural": "studi lapangan",
                "ordering": ["-start_date", "title"],
            },
        ),
        migrations.CreateModel(
            name="VisitActivity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="tanggal")),
                ("start_time", models.TimeField(verbose_name="mulai")),
                ("end_time", models.TimeField(verbose_name="selesai")),
                ("title", models.CharField(max_length=200, verbose_name="kegiatan")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="tempat")),
                (
                    "by_group",
                    models.BooleanField(
                        default=False, verbose_name="per kelompok ke tuan rumah masing-masing"
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="participants.visit",
                        verbose_name="studi lapangan",
                    ),
                ),
            ],
            options={
                "verbose_name": "kegiatan studi lapangan",
                "verbose_name_plural": "kegiatan studi lapangan",
                "ordering": ["visit", "date", "start_time", "pk"],
            },
        ),
        migrations.CreateModel(
            name="VisitAttendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("hadir", "Hadir"),
                            ("izin", "Izin"),
                            ("sakit", "Sakit"),
                            ("alpa", "Alpa"),
                        ],
                        max_length=10,
                        verbose_name="kehadiran",
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now=True)),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendances",
                        to="participants.visitactivity",
                    ),
                ),
                (
                    "enrolment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="visit_attendances",
                        to="participants.enrolment",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "presensi studi lapangan",
                "verbose_name_plural": "presensi studi lapangan",
            },
        ),
        migrations.CreateModel(
            name="VisitGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField(verbose_name="nomor")),
                ("bus_capacity", models.PositiveSmallIntegerField(verbose_name="kapasitas bus")),
                (
                    "escort_name",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="pendamping (panitia)"
                    ),
                ),
                (
                    "escort",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="escorted_visit_groups",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="pendamping (widyaiswara)",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="groups",
                        to="participants.visit",
                        verbose_name="studi lapangan",
                    ),
                ),
            ],
            options={
                "verbose_name": "kelompok studi lapangan",
                "verbose_name_plural": "kelompok studi lapangan",
                "ordering": ["visit", "number"],
            },
        ),
        migrations.CreateModel(
            name="VisitHost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "agency_name",
                    models.CharField(max_length=200, verbose_name="instansi tuan rumah"),
                ),
                (
                    "contact_name",
                    models.CharField(blank=True, max_length=200, verbose_name="narahubung"),
                ),
                (
                    "contact_phone",
                    models.CharField(blank=True, max_length=30, verbose_name="telepon narahubung"),
                ),
                ("topic", models.CharField(blank=True, max_length=300, verbose_name="topik sesi")),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hosts",
                        to="participants.visit",
                        verbose_name="studi lapangan",
                    ),
                ),
            ],
            options={
                "verbose_name": "tuan rumah",
                "verbose_name_plural": "tuan rumah",
                "ordering": ["visit", "pk"],
            },
        ),
        migrations.CreateModel(
            name="VisitAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="participants.visitactivity",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="participants.visitgroup",
                    ),
                ),
                (
                    "host",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="participants.visithost",
                    ),
                ),
            ],
            options={
                "verbose_name": "pembagian tuan rumah",
                "verbose_name_plural": "pembagian tuan rumah",
            },
        ),
        migrations.AddField(
            model_name="visitactivity",
            name="host",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="activities",
                to="participants.visithost",
                verbose_name="tuan rumah",
            ),
        ),
        migrations.CreateModel(
            name="VisitMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "enrolment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="visit_memberships",
                        to="participants.enrolment",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="participants.visitgroup",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="participants.visit",
                    ),
                ),
            ],
            options={
                "verbose_name": "anggota kelompok studi lapangan",
                "verbose_name_plural": "anggota kelompok studi lapangan",
            },
        ),
        migrations.CreateModel(
            name="VisitReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(verbose_name="laporan")),
                ("submitted_at", models.DateTimeField(verbose_name="dikirim pada")),
                (
                    "score",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=5, null=True, verbose_name="nilai"
                    ),
                ),
                (
                    "scored_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="dinilai pada"),
                ),
                (
                    "enrolment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="visit_reports",
                        to="participants.enrolment",
                    ),
                ),
                (
                    "scored_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reports",
                        to="participants.visit",
                    ),
                ),
            ],
            options={
                "verbose_name": "laporan studi lapangan",
                "verbose_name_plural": "laporan studi lapangan",
            },
        ),
        migrations.CreateModel(
            name="VisitPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("image", models.FileField(upload_to="studi-lapangan/", verbose_name="foto")),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photos",
                        to="participants.visitreport",
                    ),
                ),
            ],
            options={
                "verbose_name": "foto laporan studi lapangan",
                "verbose_name_plural": "foto laporan studi lapangan",
                "ordering": ["report", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="visit",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))),
                name="visit_dates_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="visitattendance",
            constraint=models.UniqueConstraint(
                fields=("activity", "enrolment"), name="visit_attendance_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitgroup",
            constraint=models.UniqueConstraint(
                fields=("visit", "number"), name="visit_group_number_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitassignment",
            constraint=models.UniqueConstraint(
                fields=("activity", "group"), name="visit_assignment_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitactivity",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_time__gt", models.F("start_time"))),
                name="visit_activity_times_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="visitmember",
            constraint=models.UniqueConstraint(
                fields=("visit", "enrolment"), name="visit_member_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitreport",
            constraint=models.UniqueConstraint(
                fields=("visit", "enrolment"), name="visit_report_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("score__isnull", True),
                    models.Q(("score__gte", 0), ("score__lte", 100)),
                    _connector="OR",
                ),
                name="visit_report_score_range",
            ),
        ),
    ]
