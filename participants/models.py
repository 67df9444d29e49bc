import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cohorts.models import CohortPhase, calendar_token_new
from curriculum.models import PositionLevel

from .nip import nip_format, nip_parse, validate_nip


class Rank(models.TextChoices):
    """Pangkat / golongan ruang of civil servants."""

    I_A = "I/a", "I/a Juru Muda"
    I_B = "I/b", "I/b Juru Muda Tingkat I"
    I_C = "I/c", "I/c Juru"
    I_D = "I/d", "I/d Juru Tingkat I"
    II_A = "II/a", "II/a Pengatur Muda"
    II_B = "II/b", "II/b Pengatur Muda Tingkat I"
    II_C = "II/c", "II/c Pengatur"
    II_D = "II/d", "II/d Pengatur Tingkat I"
    III_A = "III/a", "III/a Penata Muda"
    III_B = "III/b", "III/b Penata Muda Tingkat I"
    III_C = "III/c", "III/c Penata"
    III_D = "III/d", "III/d Penata Tingkat I"
    IV_A = "IV/a", "IV/a Pembina"
    IV_B = "IV/b", "IV/b Pembina Tingkat I"
    IV_C = "IV/c", "IV/c Pembina Utama Muda"
    IV_D = "IV/d", "IV/d Pembina Utama Madya"
    IV_E = "IV/e", "IV/e Pembina Utama"


def rank_title(code):
    """'III/a' -> 'Penata Muda (III/a)', the way certificates write it."""
    label = Rank(code).label
    return f"{label.split(' ', 1)[1]} ({code})"


class Participant(models.Model):
    """A civil servant (PNS or CPNS), one record across all the cohorts they follow."""

    nip = models.CharField(_("NIP"), max_length=18, unique=True, validators=[validate_nip])
    name = models.CharField(
        _("nama lengkap dengan gelar"), max_length=200, help_text=_("Tulis gelar seperti aslinya.")
    )
    rank = models.CharField(_("pangkat/golongan"), max_length=5, choices=Rank.choices)
    position = models.CharField(_("jabatan"), max_length=200)
    position_level = models.CharField(
        _("jenjang jabatan"), max_length=20, choices=PositionLevel.choices, blank=True
    )
    agency = models.ForeignKey(
        "cohorts.Institution",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("instansi"),
    )
    email = models.EmailField(_("surel"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    # Printed on the full STTP with the birth date, which the NIP holds (nip_info).
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    # The secret in the participant's calendar subscription URL; resetting it revokes the URL.
    calendar_token = models.CharField(max_length=64, unique=True, default=calendar_token_new)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("participants:participant_detail", args=[self.pk])

    @property
    def nip_display(self):
        return nip_format(self.nip)

    @property
    def rank_display(self):
        return rank_title(self.rank)

    @property
    def nip_info(self):
        return nip_parse(self.nip)

    @property
    def birth_date(self):
        return self.nip_info.birth_date

    @property
    def gender_display(self):
        return _("Laki-laki") if self.nip_info.gender == 1 else _("Perempuan")

    @property
    def cpns_start(self):
        info = self.nip_info
        return date(info.start_year, info.start_month, 1)


class Mentor(models.Model):
    """A participant's direct superior, who supervises the change project at the office."""

    nip = models.CharField(_("NIP"), max_length=18, unique=True, validators=[validate_nip])
    name = models.CharField(_("nama lengkap dengan gelar"), max_length=200)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    # For the WhatsApp invitation link (wa.me), the way most mentors are reached.
    phone = models.CharField(_("telepon (WhatsApp)"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentor")

    def __str__(self):
        return self.name


class StudyGroup(models.Model):
    """A kelompok: participants of one cohort coached together, usually by project theme."""

    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        related_name="groups",
        verbose_name=_("angkatan"),
    )
    name = models.CharField(_("nama kelompok"), max_length=100)
    theme = models.CharField(_("tema"), max_length=100, blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_groups",
        verbose_name=_("coach (widyaiswara)"),
    )

    class Meta:
        ordering = ["cohort", "name"]
        verbose_name = _("kelompok")
        verbose_name_plural = _("kelompok")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="group_name_once_per_cohort"),
        ]

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """A participant's place in one cohort, with the widyaiswara who coaches them."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Terdaftar")
        ACTIVE = "active", _("Aktif")
        WITHDRAWN = "withdrawn", _("Mengundurkan diri")
        PASSED = "passed", _("Lulus")
        DEFERRED = "deferred", _("Ditunda")
        FAILED = "failed", _("Tidak lulus")

    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("angkatan"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("peserta"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_enrolments",
        verbose_name=_("coach (widyaiswara)"),
    )
    group = models.ForeignKey(
        StudyGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
        verbose_name=_("kelompok"),
    )
    mentor = models.ForeignKey(
        Mentor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
        verbose_name=_("mentor"),
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    # The outcome's history (who set Ditunda, Lulus... when and why).
    history = HistoricalRecords(excluded_fields=["enrolled_at"])

    class Meta:
        ordering = ["cohort", "participant__name"]
        verbose_name = _("peserta angkatan")
        verbose_name_plural = _("peserta angkatan")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "participant"], name="enrolment_once_per_cohort"
            ),
        ]

    def __str__(self):
        return f"{self.participant} — {self.cohort}"


class EligibilityOverride(models.Model):
    """A rule staff set aside for one enrolment, with their written reason."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("peserta")
    )
    rule = models.CharField(_("syarat"), max_length=30)
    message = models.TextField(_("alasan penolakan"))
    reason = models.TextField(_("alasan pengecualian"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["overridden_at"]
        verbose_name = _("pengecualian syarat")
        verbose_name_plural = _("pengecualian syarat")

    def __str__(self):
        return f"{self.rule}: {self.reason}"


class ImportBatch(models.Model):
    """An uploaded participant list, checked row by row, imported only when staff confirm."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Diperiksa")
        IMPORTED = "imported", _("Diimpor")

    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        related_name="imports",
        verbose_name=_("angkatan"),
    )
    file_name = models.CharField(_("berkas"), max_length=255)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor peserta")
        verbose_name_plural = _("impor peserta")

    def __str__(self):
        return self.file_name


class Attendance(models.Model):
    """A participant's presence on one day of a classical phase."""

    class Status(models.TextChoices):
        PRESENT = "hadir", _("Hadir")
        EXCUSED = "izin", _("Izin")
        SICK = "sakit", _("Sakit")
        ABSENT = "alpa", _("Alpa")

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("peserta angkatan"),
    )
    phase = models.ForeignKey(
        CohortPhase, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("tahap")
    )
    date = models.DateField(_("tanggal"))
    status = models.CharField(_("kehadiran"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "cohorts_attendance"  # kept from when it lived in cohorts
        ordering = ["date"]
        verbose_name = _("presensi")
        verbose_name_plural = _("presensi")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "date"], name="attendance_once_per_day"),
        ]

    def __str__(self):
        return f"{self.enrolment_id} {self.date} {self.status}"


class NotificationKind(models.TextChoices):
    """What a notification tells someone is waiting for them (issue 16)."""

    DESIGN_SUBMITTED = "design_submitted", _("Rancangan proyek diajukan")
    DESIGN_DECIDED = "design_decided", _("Rancangan proyek disetujui atau dikembalikan")
    REPORT_SUBMITTED = "report_submitted", _("Laporan proyek diajukan")
    SEMINAR_SCHEDULED = "seminar_scheduled", _("Seminar dijadwalkan")
    SCORES_DUE = "scores_due", _("Nilai menunggu Anda")
    GRADES_CLOSED = "grades_closed", _("Nilai angkatan ditutup")
    CERTIFICATE_READY = "certificate_ready", _("Sertifikat siap diunduh")
    PHASE_TOMORROW = "phase_tomorrow", _("Tahap pelatihan dimulai besok")
    EVALUATION_DUE = "evaluation_due", _("Evaluasi menunggu diisi")


class Notification(models.Model):
    """One message to one person, recorded in the transaction of the event it tells about
    and sent by the worker once that transaction has committed (participants.notifications).
    `status` moves from waiting to sent by one conditional UPDATE, so it is sent once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        DIGEST = "digest", _("Menunggu ringkasan harian")
        SENT = "sent", _("Terkirim")
        NO_EMAIL = "no_email", _("Tanpa surel")
        FAILED = "failed", _("Gagal")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A mentor without an account is reached at the address and number of their record.
    mentor = models.ForeignKey(
        Mentor, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    name = models.CharField(_("nama"), max_length=200)
    email = models.EmailField(_("surel"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("angkatan"),
    )
    kind = models.CharField(_("jenis"), max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"))
    link = models.URLField(_("tautan"), max_length=500)
    # What the event was (a phase's start, a certificate), so a job run twice tells it once.
    key = models.CharField(max_length=100, blank=True)
    digest = models.BooleanField(_("ringkasan harian"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    # The digest job's mark on the rows it claimed for one mail.
    send_key = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        indexes = [models.Index(fields=["status", "recipient"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.name}"


class NotificationPreference(models.Model):
    """How a user wants one kind of notification: by e-mail (the default), in a daily digest
    (widyaiswara and mentors), or not at all."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Surel")
        DIGEST = "digest", _("Ringkasan harian")
        NONE = "none", _("Tidak usah")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("jenis"), max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(_("cara"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("pilihan pemberitahuan")
        verbose_name_plural = _("pilihan pemberitahuan")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.channel}"


# Participants' evaluation of speakers and the organiser (participants.evaluations). Anonymous
# by construction: who answered is in one table, what was answered in two others with no link
# to a participant, random keys and no time of answer (docs/decisions.md).


class EvaluationSubmission(models.Model):
    """That a participant answered one questionnaire (a campus day or a phase's end): for the
    response rate, the reminders and refusing a second answer. Holds no answer."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="evaluation_submissions",
        verbose_name=_("peserta"),
    )
    questionnaire = models.CharField(_("kuesioner"), max_length=40)

    class Meta:
        verbose_name = _("pengisian evaluasi")
        verbose_name_plural = _("pengisian evaluasi")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "questionnaire"], name="evaluation_submitted_once"
            ),
        ]

    def __str__(self):
        return f"{self.enrolment_id} {self.questionnaire}"


class EvaluationTarget(models.Model):
    """What an answer is about, without who gave it: a cohort's questionnaire and a speaker
    (a widyaiswara or a register speaker) or the organiser (neither)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="+", verbose_name=_("angkatan")
    )
    questionnaire = models.CharField(_("kuesioner"), max_length=40)
    # The campus day, or the phase's last day: the date the ledger counts it on.
    held_on = models.DateField(_("tanggal"))
    widyaiswara = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("widyaiswara"),
    )
    speaker = models.ForeignKey(
        "cohorts.Speaker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("narasumber luar"),
    )

    class Meta:
        abstract = True


class EvaluationAnswer(EvaluationTarget):
    """One rating, 1-100 (the four levels are stored as 100, 80, 60, 40)."""

    criterion = models.ForeignKey(
        "curriculum.EvaluationCriterion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kriteria"),
    )
    value = models.PositiveSmallIntegerField(_("nilai"))

    class Meta:
        verbose_name = _("jawaban evaluasi")
        verbose_name_plural = _("jawaban evaluasi")
        indexes = [models.Index(fields=["cohort", "questionnaire"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=100), name="evaluation_value_1_100"
            ),
        ]

    def __str__(self):
        return f"{self.questionnaire} {self.criterion_id} {self.value}"


class EvaluationComment(EvaluationTarget):
    """One free-text comment on a speaker or the organiser."""

    text = models.TextField(_("komentar"))

    class Meta:
        verbose_name = _("komentar evaluasi")
        verbose_name_plural = _("komentar evaluasi")
        indexes = [models.Index(fields=["cohort", "questionnaire"])]

    def __str__(self):
        return f"{self.questionnaire} {self.text[:40]}"


# Models of issue 18 in their own modules: the signed commitment documents of the komitmen
# bersama phase, and field visits shared by cohorts.
from .commitment_models import CommitmentDocument  # noqa: E402, F401
from .visit_models import (  # noqa: E402, F401
    Visit,
    VisitActivity,
    VisitAssignment,
    VisitAttendance,
    VisitGroup,
    VisitHost,
    VisitMember,
    VisitPhoto,
    VisitReport,
)
