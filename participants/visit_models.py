"""Field visits (studi lapangan / benchmark) shared by cohorts (issue 18): a visit takes the
participants of one or several angkatan, of one or several organisers, to host agencies in
another region. Staff split them into groups (a bus each, with an escort), the itinerary says
which group sees which host when, participants mark their attendance per activity and submit a
report that the escort scores (participants.visits; the score reaches the gradebook through
projects.visit_scores). Imported by participants.models so that Django finds the models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visit(models.Model):
    organiser = models.ForeignKey(
        "cohorts.Institution",
        on_delete=models.PROTECT,
        related_name="organised_visits",
        verbose_name=_("penyelenggara"),
    )
    title = models.CharField(_("judul"), max_length=200)
    destination = models.CharField(_("daerah tujuan"), max_length=200)
    start_date = models.DateField(_("tanggal mulai"))
    end_date = models.DateField(_("tanggal selesai"))
    # From one or several angkatan and organisers (four PKP angkatan to Banyuwangi).
    cohorts = models.ManyToManyField(
        "cohorts.Cohort", related_name="visits", verbose_name=_("angkatan peserta")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("studi lapangan")
        verbose_name_plural = _("studi lapangan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="visit_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.title


class VisitHost(models.Model):
    """An agency that receives the participants and gives a session on its topic."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="hosts", verbose_name=_("studi lapangan")
    )
    agency_name = models.CharField(_("instansi tuan rumah"), max_length=200)
    contact_name = models.CharField(_("narahubung"), max_length=200, blank=True)
    contact_phone = models.CharField(_("telepon narahubung"), max_length=30, blank=True)
    topic = models.CharField(_("topik sesi"), max_length=300, blank=True)

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("tuan rumah")
        verbose_name_plural = _("tuan rumah")

    def __str__(self):
        return self.agency_name


class VisitGroup(models.Model):
    """A group of the visit: one bus, one escort (a widyaiswara's account, or a committee
    member's name)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="groups", verbose_name=_("studi lapangan")
    )
    number = models.PositiveSmallIntegerField(_("nomor"))
    bus_capacity = models.PositiveSmallIntegerField(_("kapasitas bus"))
    escort = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escorted_visit_groups",
        verbose_name=_("pendamping (widyaiswara)"),
    )
    escort_name = models.CharField(_("pendamping (panitia)"), max_length=200, blank=True)

    class Meta:
        ordering = ["visit", "number"]
        verbose_name = _("kelompok studi lapangan")
        verbose_name_plural = _("kelompok studi lapangan")
        constraints = [
            models.UniqueConstraint(fields=["visit", "number"], name="visit_group_number_once"),
        ]

    def __str__(self):
        return _("Kelompok %(number)s") % {"number": self.number}


class VisitMember(models.Model):
    """A participant's place in one group of the visit: once per visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="members")
    group = models.ForeignKey(VisitGroup, on_delete=models.CASCADE, related_name="members")
    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="visit_memberships"
    )

    class Meta:
        verbose_name = _("anggota kelompok studi lapangan")
        verbose_name_plural = _("anggota kelompok studi lapangan")
        constraints = [
            models.UniqueConstraint(fields=["visit", "enrolment"], name="visit_member_once"),
        ]

    def __str__(self):
        return f"{self.group_id} {self.enrolment_id}"


class VisitActivity(models.Model):
    """One item of the itinerary. With `by_group`, each group goes to its own host (a
    VisitAssignment per group); otherwise everyone together (the opening, a tourist site)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="activities", verbose_name=_("studi lapangan")
    )
    date = models.DateField(_("tanggal"))
    start_time = models.TimeField(_("mulai"))
    end_time = models.TimeField(_("selesai"))
    title = models.CharField(_("kegiatan"), max_length=200)
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    host = models.ForeignKey(
        VisitHost,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("tuan rumah"),
    )
    by_group = models.BooleanField(_("per kelompok ke tuan rumah masing-masing"), default=False)

    class Meta:
        ordering = ["visit", "date", "start_time", "pk"]
        verbose_name = _("kegiatan studi lapangan")
        verbose_name_plural = _("kegiatan studi lapangan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="visit_activity_times_ordered",
            ),
        ]

    def __str__(self):
        return self.title


class VisitAssignment(models.Model):
    """Which host a group visits during a by-group activity."""

    activity = models.ForeignKey(
        VisitActivity, on_delete=models.CASCADE, related_name="assignments"
    )
    group = models.ForeignKey(VisitGroup, on_delete=models.CASCADE, related_name="assignments")
    host = models.ForeignKey(VisitHost, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        verbose_name = _("pembagian tuan rumah")
        verbose_name_plural = _("pembagian tuan rumah")
        constraints = [
            models.UniqueConstraint(fields=["activity", "group"], name="visit_assignment_once"),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.group_id} {self.host_id}"


class VisitAttendance(models.Model):
    """A participant's presence at one activity of the visit."""

    class Status(models.TextChoices):
        PRESENT = "hadir", _("Hadir")
        EXCUSED = "izin", _("Izin")
        SICK = "sakit", _("Sakit")
        ABSENT = "alpa", _("Alpa")

    activity = models.ForeignKey(
        VisitActivity, on_delete=models.CASCADE, related_name="attendances"
    )
    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="visit_attendances"
    )
    status = models.CharField(_("kehadiran"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("presensi studi lapangan")
        verbose_name_plural = _("presensi studi lapangan")
        constraints = [
            models.UniqueConstraint(fields=["activity", "enrolment"], name="visit_attendance_once"),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.enrolment_id} {self.status}"


class VisitReport(models.Model):
    """A participant's laporan studi lapangan, scored 0-100 by their group's escort."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reports")
    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="visit_reports"
    )
    text = models.TextField(_("laporan"))
    submitted_at = models.DateTimeField(_("dikirim pada"))
    score = models.DecimalField(_("nilai"), max_digits=5, decimal_places=2, null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(_("dinilai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("laporan studi lapangan")
        verbose_name_plural = _("laporan studi lapangan")
        constraints = [
            models.UniqueConstraint(fields=["visit", "enrolment"], name="visit_report_once"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="visit_report_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.visit_id} {self.enrolment_id}"


class VisitPhoto(models.Model):
    report = models.ForeignKey(VisitReport, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("foto"), upload_to="studi-lapangan/")

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("foto laporan studi lapangan")
        verbose_name_plural = _("foto laporan studi lapangan")

    def __str__(self):
        return self.image.name
