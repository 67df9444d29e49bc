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
