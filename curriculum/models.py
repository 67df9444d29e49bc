from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Bounds that keep a typing slip from scheduling a phase for centuries.
MAX_JP = 5000
MAX_DAYS = 366


class PhaseKind(models.TextChoices):
    MOOC = "mooc", _("MOOC (pembelajaran mandiri)")
    DISTANCE = "distance", _("Pembelajaran jarak jauh")
    CLASSICAL = "classical", _("Klasikal")
    ACTUALIZATION = "actualization", _("Aktualisasi")
    SEMINAR = "seminar", _("Seminar")
    COMMITMENT = "commitment", _("Komitmen bersama")
    STUDY_VISIT = "study_visit", _("Studi lapangan")


class PhaseMode(models.TextChoices):
    ONLINE = "online", _("Daring")
    CAMPUS = "campus", _("Di kampus penyelenggara")
    OFFICE = "office", _("Di tempat kerja peserta")


class DayRule(models.TextChoices):
    WORKING_DAYS = "working", _("Hari kerja (Senin-Jumat)")
    SIX_DAY_WEEK = "six_day", _("Enam hari seminggu (Senin-Sabtu)")
    CALENDAR_DAYS = "calendar", _("Hari kalender")


class PositionLevel(models.TextChoices):
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Pengawas")
    PELAKSANA = "pelaksana", _("Pelaksana")
    FUNGSIONAL = "fungsional", _("Fungsional")
    CPNS = "cpns", _("CPNS (calon PNS)")


ERROR_PERCENT_ABOVE_100 = _("Persentase kehadiran paling tinggi 100.")


class EvaluationScale(models.TextChoices):
    """How participants rate a speaker or the organiser (participants.evaluations). Both are
    stored as a number from 1 to 100, so averages compare across programs."""

    FOUR_LEVELS = "four_levels", _("Sangat Baik, Baik, Cukup, Kurang")
    HUNDRED = "hundred", _("Angka 1-100")


# The four levels as numbers on the 1-100 scale (the bands of an Indonesian report card).
EVALUATION_LEVELS = [
    (100, _("Sangat Baik")),
    (80, _("Baik")),
    (60, _("Cukup")),
    (40, _("Kurang")),
]


class Program(models.Model):
    """A training program: Latsar CPNS, PKP, PKA, PKN Tingkat II.

    Its curriculum (phases, subjects, total JP) lives in versions: a version used by a cohort
    never changes, so a cohort keeps the curriculum it was created from.
    """

    class AngkatanStyle(models.TextChoices):
        ARABIC = "arabic", _("Angka (Angkatan 72)")
        ROMAN = "roman", _("Romawi (Angkatan VII)")

    name = models.CharField(_("nama"), max_length=200)
    code = models.SlugField(_("kode"), max_length=30, unique=True)
    former_name = models.CharField(_("nama lama"), max_length=200, blank=True)
    position_level = models.CharField(
        _("jenjang jabatan peserta"),
        max_length=20,
        choices=PositionLevel.choices,
        default=PositionLevel.CPNS,
    )
    project_label = models.CharField(
        _("nama proyek"), max_length=100, help_text=_("aktualisasi, aksi perubahan, ...")
    )
    default_capacity = models.PositiveIntegerField(_("kapasitas bawaan"), default=40)
    angkatan_style = models.CharField(
        _("penomoran angkatan"),
        max_length=10,
        choices=AngkatanStyle.choices,
        default=AngkatanStyle.ARABIC,
    )
    # Attendance rules (participants.attendance): crossing either one puts the participant on
    # the cohort page's warning list. Absences on leave (izin, sakit) do not count as absences
    # without leave, but they are days not attended and lower the percentage.
    max_unexcused_absences = models.PositiveSmallIntegerField(
        _("batas hari alpa"),
        default=3,
        validators=[MaxValueValidator(366)],
        help_text=_("Paling banyak hari tidak hadir tanpa keterangan (alpa) yang masih boleh."),
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("kehadiran minimal (%)"),
        default=90,
        validators=[MaxValueValidator(100, message=ERROR_PERCENT_ABOVE_100)],
        help_text=_("Persentase hari hadir dari hari yang tercatat; izin dan sakit mengurangi."),
    )
    evaluation_scale = models.CharField(
        _("skala evaluasi pengajar dan penyelenggaraan"),
        max_length=12,
        choices=EvaluationScale.choices,
        default=EvaluationScale.FOUR_LEVELS,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("program pelatihan")
        verbose_name_plural = _("program pelatihan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__lte=100),
                name="program_attendance_percent_at_most_100",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("curriculum:program_detail", args=[self.code])


class ProgramVersion(models.Model):
    """One version of a program's curriculum, in force from its effective date."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="versions", verbose_name=_("program")
    )
    number = models.PositiveIntegerField(_("versi"))
    effective_date = models.DateField(_("berlaku mulai"))
    declared_total_jp = models.PositiveIntegerField(
        _("jumlah JP yang ditetapkan"),
        null=True,
        blank=True,
        help_text=_("Jumlah JP menurut peraturan; jumlah JP tahap harus sama."),
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    # A draft can be edited and is never used; once published a version is frozen.
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["program", "number"]
        verbose_name = _("versi program")
        verbose_name_plural = _("versi program")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_version_unique"),
            models.UniqueConstraint(
                fields=["program", "effective_date"], name="program_version_date_unique"
            ),
        ]

    def __str__(self):
        return _("%(program)s versi %(number)s") % {"program": self.program, "number": self.number}

    def total_jp(self):
        return self.phase_templates.aggregate(total=Sum("jp"))["total"] or 0

    @property
    def is_draft(self):
        return self.published_at is None

    def get_edit_url(self):
        return reverse("curriculum:version_edit", args=[self.program.code, self.number])


class PhaseTemplate(models.Model):
    """One phase of a program version, in order: kind, mode, length in JP and in days."""

    version = models.ForeignKey(
        ProgramVersion,
        on_delete=models.CASCADE,
        related_name="phase_templates",
        verbose_name=_("versi program"),
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    kind = models.CharField(_("jenis"), max_length=20, choices=PhaseKind.choices)
    name = models.CharField(_("nama tahap"), max_length=100)
    mode = models.CharField(
        _("moda"), max_length=10, choices=PhaseMode.choices, default=PhaseMode.ONLINE
    )
    jp = models.PositiveIntegerField(
        _("JP"), help_text=_("jam pelajaran, 45 menit"), validators=[MaxValueValidator(MAX_JP)]
    )
    days = models.PositiveIntegerField(
        _("lama (hari)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    day_rule = models.CharField(
        _("aturan hari"), max_length=10, choices=DayRule.choices, default=DayRule.WORKING_DAYS
    )

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("templat tahap")
        verbose_name_plural = _("templat tahap")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="phase_template_version_order_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(days__gt=0), name="phase_template_days_positive"
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


class Subject(models.Model):
    """A mata pelatihan taught in a phase, with its own JP and agenda."""

    phase_template = models.ForeignKey(
        PhaseTemplate, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("tahap")
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    name = models.CharField(_("mata pelatihan"), max_length=200)
    jp = models.PositiveIntegerField(_("JP"), validators=[MaxValueValidator(MAX_JP)])
    agenda = models.TextField(_("agenda"), blank=True)

    class Meta:
        ordering = ["phase_template", "order"]
        verbose_name = _("mata pelatihan")
        verbose_name_plural = _("mata pelatihan")

    def __str__(self):
        return self.name


def retirement_ages_default():
    # Batas usia pensiun (BUP): 58 for administrator, pengawas and pelaksana; 60 for JPT and
    # most functional positions (UU ASN). Agencies adjust per program.
    return {
        PositionLevel.JPT_PRATAMA: 60,
        PositionLevel.ADMINISTRATOR: 58,
        PositionLevel.PENGAWAS: 58,
        PositionLevel.PELAKSANA: 58,
        PositionLevel.FUNGSIONAL: 60,
        PositionLevel.CPNS: 58,
    }


class EligibilityPolicy(models.Model):
    """Who may join a cohort of the program; checked on every enrolment and import."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="eligibility", verbose_name=_("program")
    )
    allowed_levels = models.JSONField(
        _("jenjang jabatan yang boleh ikut"),
        default=list,
        blank=True,
        help_text=_("Kosong: semua jenjang."),
    )
    min_years_before_retirement = models.DecimalField(
        _("minimal sisa masa kerja sebelum BUP (tahun)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    retirement_ages = models.JSONField(_("BUP per jenjang"), default=retirement_ages_default)
    max_per_agency = models.PositiveIntegerField(
        _("maksimal peserta dari satu instansi per angkatan"), null=True, blank=True
    )
    refuse_overlapping = models.BooleanField(
        _("tolak peserta yang sedang ikut angkatan lain pada waktu yang sama"), default=True
    )

    class Meta:
        verbose_name = _("syarat peserta")
        verbose_name_plural = _("syarat peserta")

    def __str__(self):
        return str(self.program)

    def retirement_age(self, level):
        return int(self.retirement_ages.get(level, 58))


class EvaluationCriterion(models.Model):
    """One question of the participants' evaluation of a program's cohorts: on each speaker
    (evaluasi pengajar) or on the organiser (evaluasi penyelenggaraan). A program without any
    gets the default set (curriculum.services.evaluation_criteria_ensure)."""

    class Target(models.TextChoices):
        SPEAKER = "speaker", _("Pengajar")
        ORGANISER = "organiser", _("Penyelenggara")

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="evaluation_criteria",
        verbose_name=_("program"),
    )
    target = models.CharField(_("yang dinilai"), max_length=10, choices=Target.choices)
    label = models.CharField(_("kriteria"), max_length=200)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["program", "target", "order", "pk"]
        verbose_name = _("kriteria evaluasi")
        verbose_name_plural = _("kriteria evaluasi")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "target", "label"], name="evaluation_criterion_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_target_display()}: {self.label}"
