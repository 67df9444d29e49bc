from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .grading import predicate_for, score_passes


class ChangeProject(models.Model):
    """A participant's change project (aktualisasi, aksi perubahan or proyek perubahan)."""

    enrolment = models.OneToOneField(
        "participants.Enrolment",
        on_delete=models.CASCADE,
        related_name="project",
        verbose_name=_("peserta angkatan"),
    )
    title = models.CharField(_("judul"), max_length=300, blank=True)
    theme = models.CharField(_("tema"), max_length=100, blank=True)
    final_score = models.DecimalField(
        _("nilai akhir"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dinilai oleh"),
    )
    scored_at = models.DateTimeField(_("dinilai pada"), null=True, blank=True)

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

    @property
    def predicate(self):
        return predicate_for(self.final_score)

    @property
    def passes(self):
        return score_passes(self.final_score)

    def get_score_url(self):
        return reverse("projects:score", args=[self.pk])


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
        return f"{self.name} ({self.weight}%)"


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
