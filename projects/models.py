from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .grading import predicate_for, score_passes


class Theme(models.Model):
    """A national priority a change project can address; staff keep the list."""

    name = models.CharField(_("tema"), max_length=100, unique=True)
    active = models.BooleanField(_("dapat dipilih"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tema proyek")
        verbose_name_plural = _("tema proyek")

    def __str__(self):
        return self.name


class State(models.TextChoices):
    DRAFT = "draft", _("Draf")
    DESIGN_SUBMITTED = "design_submitted", _("Rancangan diajukan")
    REVISION = "revision", _("Perlu revisi")
    IMPLEMENTATION = "implementation", _("Implementasi")
    REPORT_SUBMITTED = "report_submitted", _("Laporan diajukan")
    SEMINAR_SCHEDULED = "seminar_scheduled", _("Seminar terjadwal")
    EXAMINED = "examined", _("Sudah diuji")
    FINAL = "final", _("Final")


class ChangeProject(models.Model):
    """A participant's change project (aktualisasi, aksi perubahan or proyek perubahan)."""

    State = State

    enrolment = models.OneToOneField(
        "participants.Enrolment",
        on_delete=models.CASCADE,
        related_name="project",
        verbose_name=_("peserta angkatan"),
    )
    title = models.CharField(_("judul"), max_length=300, blank=True)
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("tema"),
    )
    problem = models.TextField(_("masalah yang diangkat"), blank=True)
    innovation = models.TextField(_("gagasan inovasi"), blank=True)
    state = models.CharField(_("tahap"), max_length=20, choices=State.choices, default=State.DRAFT)
    final_score = models.DecimalField(
        _("nilai akhir"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    scored_at = models.DateTimeField(_("nilai proyek berubah pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("proyek perubahan")
        verbose_name_plural = _("proyek perubahan")
        permissions = [("score_changeproject", _("Dapat menilai proyek perubahan"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(final_score__gte=0, final_score__lte=100)
                | models.Q(final_score__isnull=True),
                name="project_score_range",
            ),
        ]

    def __str__(self):
        return self.title or str(self.enrolment.participant)

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    @property
    def predicate(self):
        return predicate_for(self.final_score)

    @property
    def passes(self):
        return score_passes(self.final_score)

    @property
    def participant_may_edit(self):
        """The participant edits the design until it is approved, and milestones, evidence
        and the report during implementation; afterwards the project is in others' hands."""
        return self.state in (State.DRAFT, State.REVISION, State.IMPLEMENTATION)


class Stakeholder(models.Model):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        EXTERNAL = "external", _("Eksternal")

    project = models.ForeignKey(
        ChangeProject, on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(_("pemangku kepentingan"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("peran"), max_length=300)

    class Meta:
        ordering = [Case(When(kind="internal", then=Value(0)), default=Value(1)), "pk"]
        verbose_name = _("pemangku kepentingan")
        verbose_name_plural = _("pemangku kepentingan")

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    """The project team: the sponsor, the leader (usually the participant) and the
    effective team."""

    class Role(models.TextChoices):
        SPONSOR = "sponsor", _("Sponsor")
        LEADER = "leader", _("Pemimpin proyek")
        MEMBER = "member", _("Tim efektif")

    project = models.ForeignKey(ChangeProject, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("peran dalam tim"), max_length=10, choices=Role.choices)
    name = models.CharField(_("nama"), max_length=200)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)

    class Meta:
        # Sponsor, leader, then the effective team.
        ordering = [
            Case(When(role="sponsor", then=Value(0)), When(role="leader", then=Value(1)),
                 default=Value(2)),
            "pk",
        ]  # fmt: skip
        verbose_name = _("anggota tim")
        verbose_name_plural = _("anggota tim")

    def __str__(self):
        return self.name


class CoreValue(models.TextChoices):
    """BerAKHLAK, the ASN core values a Latsar actualization activity serves."""

    BERORIENTASI_PELAYANAN = "B", _("Berorientasi Pelayanan")
    AKUNTABEL = "Ak", _("Akuntabel")
    KOMPETEN = "K", _("Kompeten")
    HARMONIS = "H", _("Harmonis")
    LOYAL = "L", _("Loyal")
    ADAPTIF = "Ad", _("Adaptif")
    KOLABORATIF = "Ko", _("Kolaboratif")


class Milestone(models.Model):
    class Term(models.TextChoices):
        SHORT = "short", _("Jangka pendek")
        MEDIUM = "medium", _("Jangka menengah")
        LONG = "long", _("Jangka panjang")

    project = models.ForeignKey(ChangeProject, on_delete=models.CASCADE, related_name="milestones")
    term = models.CharField(_("jangka"), max_length=10, choices=Term.choices)
    activity = models.CharField(_("kegiatan / tonggak"), max_length=300)
    planned_start = models.DateField(_("rencana mulai"), null=True, blank=True)
    planned_end = models.DateField(_("rencana selesai"), null=True, blank=True)
    actual_end = models.DateField(_("realisasi selesai"), null=True, blank=True)
    output = models.CharField(_("output yang diharapkan"), max_length=300, blank=True)
    evidence = models.CharField(_("bukti"), max_length=300, blank=True)
    values = models.CharField(
        _("nilai BerAKHLAK"),
        max_length=40,
        blank=True,
        help_text=_("Kode nilai dipisah koma (Latsar)."),
    )

    class Meta:
        # Short, medium, then long term; each by its planned start.
        ordering = [
            Case(When(term="short", then=Value(0)), When(term="medium", then=Value(1)),
                 default=Value(2)),
            "planned_start",
            "pk",
        ]  # fmt: skip
        verbose_name = _("tonggak")
        verbose_name_plural = _("tonggak")

    def __str__(self):
        return self.activity

    @property
    def value_codes(self):
        return [code for code in self.values.split(",") if code]

    @property
    def value_labels(self):
        labels = dict(CoreValue.choices)
        return [labels[code] for code in self.value_codes if code in labels]


def document_path(document, filename):
    return f"proyek/{document.project_id}/{filename}"


class ProjectDocument(models.Model):
    """An uploaded file; a new upload of the same kind is a new version, none is replaced."""

    class Kind(models.TextChoices):
        DESIGN = "design", _("Rancangan")
        REPORT = "report", _("Laporan")
        SLIDES = "slides", _("Bahan tayang")
        EVIDENCE = "evidence", _("Bukti kegiatan")

    project = models.ForeignKey(ChangeProject, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("jenis dokumen"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("versi"))
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("dokumen proyek")
        verbose_name_plural = _("dokumen proyek")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "version"], name="document_version_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"


def paper_form_path(paper, filename):
    return f"proyek/{paper.project_id}/formulir/{filename}"


class PaperForm(models.Model):
    """A mentor's signed paper form, scanned. Many mentors are heads of offices who never
    sign in: staff enter the design approval or the rubric score from the form on the
    mentor's behalf and keep the scan with who signed it and when."""

    class Kind(models.TextChoices):
        DESIGN_APPROVAL = "design_approval", _("Persetujuan rancangan")
        MENTOR_SCORE = "mentor_score", _("Nilai mentor")

    project = models.ForeignKey(ChangeProject, on_delete=models.CASCADE, related_name="paper_forms")
    kind = models.CharField(_("jenis formulir"), max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=paper_form_path, max_length=300)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    signed_by = models.CharField(_("ditandatangani oleh"), max_length=200)
    signed_on = models.DateField(_("tanggal tanda tangan"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dimasukkan oleh"),
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entered_at", "pk"]
        verbose_name = _("formulir bertanda tangan")
        verbose_name_plural = _("formulir bertanda tangan")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.signed_by}, {self.signed_on}"


class ProjectStep(models.Model):
    """One step of the workflow: who took it, when, and what they said."""

    project = models.ForeignKey(ChangeProject, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("langkah"), max_length=30)
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=12, blank=True)
    comment = models.TextField(_("catatan"), blank=True)
    taken_at = models.DateTimeField(auto_now_add=True)
    # A step staff entered on the actor's behalf from a signed paper form; empty when the
    # actor took it themselves.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    paper = models.ForeignKey(
        PaperForm, null=True, blank=True, on_delete=models.RESTRICT, related_name="steps"
    )

    class Meta:
        ordering = ["taken_at", "pk"]
        verbose_name = _("langkah proyek")
        verbose_name_plural = _("langkah proyek")

    def __str__(self):
        return f"{self.action}: {self.from_state} → {self.to_state}"


class Actor(models.TextChoices):
    """Who takes a step in a project's workflow. The three who score carry the same values as
    their ScoringRole, so a person's actors on a project are also the sheets they may fill."""

    PARTICIPANT = "participant", _("peserta pemilik proyek")
    COACH = "coach", _("coach peserta")
    MENTOR = "mentor", _("mentor peserta")
    EXAMINER = "examiner", _("penguji seminar peserta")
    STAFF = "staff", _("staf penyelenggara")


class ScoringRole(models.TextChoices):
    COACH = "coach", _("Coach")
    MENTOR = "mentor", _("Mentor")
    EXAMINER = "examiner", _("Penguji")


# While these stages last, the supervisors (coach, mentor) and the examiners may score; a
# final project changes only after staff reopen its scoring.
SCORING_STATES = {
    ScoringRole.COACH: (State.REPORT_SUBMITTED, State.SEMINAR_SCHEDULED, State.EXAMINED),
    ScoringRole.MENTOR: (State.REPORT_SUBMITTED, State.SEMINAR_SCHEDULED, State.EXAMINED),
    ScoringRole.EXAMINER: (State.SEMINAR_SCHEDULED, State.EXAMINED),
}


class Rubric(models.Model):
    """What one role scores in a program's change projects, and that role's weight in the
    project score. The role weights of a program add up to 100."""

    program = models.ForeignKey(
        "curriculum.Program", on_delete=models.CASCADE, related_name="rubrics"
    )
    role = models.CharField(_("penilai"), max_length=10, choices=ScoringRole.choices)
    weight = models.DecimalField(
        _("bobot penilai (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["program", "role"]
        verbose_name = _("rubrik")
        verbose_name_plural = _("rubrik")
        constraints = [
            models.UniqueConstraint(fields=["program", "role"], name="rubric_once_per_role"),
        ]

    def __str__(self):
        return f"{self.program} — {self.get_role_display()}"


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    name = models.CharField(_("kriteria"), max_length=200)
    description = models.CharField(_("penjelasan"), max_length=500, blank=True)
    weight = models.DecimalField(
        _("bobot (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["rubric", "order", "pk"]
        verbose_name = _("kriteria")
        verbose_name_plural = _("kriteria")

    def __str__(self):
        return f"{self.name} ({number_format(self.weight)}%)"  # 30,00%


class ScoreSheet(models.Model):
    """One scorer's rubric for one project. `version` rises on every save so that a form
    loaded before someone else's save is refused instead of overwriting it."""

    project = models.ForeignKey(ChangeProject, on_delete=models.CASCADE, related_name="sheets")
    role = models.CharField(_("penilai"), max_length=10, choices=ScoringRole.choices)
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="score_sheets"
    )
    score = models.DecimalField(_("nilai"), max_digits=5, decimal_places=2, null=True)
    submitted_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)
    # The signed paper form of the latest save when staff entered it on the scorer's behalf;
    # empty once the scorer saves it themselves.
    paper = models.ForeignKey(
        PaperForm, null=True, blank=True, on_delete=models.RESTRICT, related_name="sheets"
    )

    class Meta:
        ordering = ["project", "role", "pk"]
        verbose_name = _("lembar nilai")
        verbose_name_plural = _("lembar nilai")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "role", "scorer"], name="sheet_once_per_scorer"
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.get_role_display()}"


class CriterionScore(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("nilai"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    comment = models.TextField(_("komentar"), blank=True)
    history = HistoricalRecords(excluded_fields=["comment"])

    class Meta:
        verbose_name = _("nilai kriteria")
        verbose_name_plural = _("nilai kriteria")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="criterion_score_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="criterion_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class Seminar(models.Model):
    """A seminar session: participants present their project to the examiners."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="seminars")
    starts_at = models.DateTimeField(_("waktu"))
    room = models.CharField(_("ruang"), max_length=100)
    examiners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="examined_seminars", verbose_name=_("penguji")
    )
    enrolments = models.ManyToManyField(
        "participants.Enrolment", related_name="seminars", verbose_name=_("peserta")
    )

    class Meta:
        ordering = ["starts_at", "room"]
        verbose_name = _("seminar")
        verbose_name_plural = _("seminar")

    def __str__(self):
        # Jakarta time, written the Indonesian way (08.00), as the pages show it.
        when = date_format(timezone.localtime(self.starts_at), "SHORT_DATETIME_FORMAT")
        return f"{self.room} {when}"


class GradesEvent(models.Model):
    """Staff closed or reopened a cohort's grades, with the reason for a reopening."""

    class Action(models.TextChoices):
        CLOSE = "close", _("Nilai ditutup")
        REOPEN = "reopen", _("Nilai dibuka kembali")

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="grades_events"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("alasan"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("penutupan nilai")
        verbose_name_plural = _("penutupan nilai")

    def __str__(self):
        return f"{self.cohort}: {self.get_action_display()}"


class ScoreComponent(models.Model):
    """A part of the final score and its weight, per program (e.g. Latsar: attitude 20%,
    academic 20%, actualization 60%). The weights of a program add up to 100."""

    class Source(models.TextChoices):
        PROJECT = "project", _("Nilai proyek perubahan")
        ENTERED = "entered", _("Diisi panitia")

    program = models.ForeignKey(
        "curriculum.Program",
        on_delete=models.CASCADE,
        related_name="score_components",
        verbose_name=_("program"),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    code = models.SlugField(_("kode"), max_length=30)
    name = models.CharField(_("komponen"), max_length=100)
    weight = models.DecimalField(
        _("bobot (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    source = models.CharField(
        _("sumber nilai"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )

    class Meta:
        ordering = ["program", "order"]
        verbose_name = _("komponen nilai akhir")
        verbose_name_plural = _("komponen nilai akhir")
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="component_code_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({number_format(self.weight)}%)"  # 30,00%


class ComponentScore(models.Model):
    """A participant's score in one entered component (0-100, two decimals)."""

    enrolment = models.ForeignKey(
        "participants.Enrolment", on_delete=models.CASCADE, related_name="component_scores"
    )
    # Protected: deleting a component must not silently drop scores that certificates state.
    component = models.ForeignKey(ScoreComponent, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(
        _("nilai"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = _("nilai komponen")
        verbose_name_plural = _("nilai komponen")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "component"], name="component_score_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="component_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.component}: {self.score}"


class PredicateBand(models.Model):
    """A predicate band of a program: a final score above `floor` earns `name` (the highest
    band whose floor it passes). Programs without bands use the LAN defaults."""

    program = models.ForeignKey(
        "curriculum.Program",
        on_delete=models.CASCADE,
        related_name="predicate_bands",
        verbose_name=_("program"),
    )
    floor = models.DecimalField(
        _("di atas nilai"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    name = models.CharField(_("predikat"), max_length=50)
    passes = models.BooleanField(_("lulus"), default=True)

    class Meta:
        ordering = ["program", "-floor"]
        verbose_name = _("rentang predikat")
        verbose_name_plural = _("rentang predikat")
        constraints = [
            models.UniqueConstraint(fields=["program", "floor"], name="band_floor_unique"),
        ]

    def __str__(self):
        return f"> {self.floor}: {self.name}"


# Follow-up after the training and the public catalogue of innovations (issue 18).
from .follow_up_models import CataloguePublication, FollowUpAnswer, FollowUpRound  # noqa: E402,F401
