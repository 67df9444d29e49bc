from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    MOOC = "mooc", _("MOOC (pembelajaran mandiri)")
    DISTANCE = "distance", _("Pembelajaran jarak jauh")
    CLASSICAL = "classical", _("Klasikal")
    ACTUALIZATION = "actualization", _("Aktualisasi")
    SEMINAR = "seminar", _("Seminar")
    COMMITMENT = "commitment", _("Komitmen bersama")
    STUDY_VISIT = "study_visit", _("Studi lapangan")


class DayRule(models.TextChoices):
    WORKING_DAYS = "working", _("Hari kerja (Senin-Jumat)")
    SIX_DAY_WEEK = "six_day", _("Enam hari seminggu (Senin-Sabtu)")
    CALENDAR_DAYS = "calendar", _("Hari kalender")


class Program(models.Model):
    """A training program template: Latsar CPNS, PKP, PKA, PKN Tingkat II."""

    class AngkatanStyle(models.TextChoices):
        ARABIC = "arabic", _("Angka (Angkatan 72)")
        ROMAN = "roman", _("Romawi (Angkatan VII)")

    name = models.CharField(_("nama"), max_length=200)
    code = models.SlugField(_("kode"), max_length=30, unique=True)
    former_name = models.CharField(_("nama lama"), max_length=200, blank=True)
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("program pelatihan")
        verbose_name_plural = _("program pelatihan")

    def __str__(self):
        return self.name

    def total_jp(self):
        return self.phase_templates.aggregate(total=Sum("jp"))["total"] or 0


class PhaseTemplate(models.Model):
    """One phase of a program, in order: its kind, its length in JP and in days."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="phase_templates", verbose_name=_("program")
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    kind = models.CharField(_("jenis"), max_length=20, choices=PhaseKind.choices)
    name = models.CharField(_("nama tahap"), max_length=100)
    jp = models.PositiveIntegerField(_("JP"), help_text=_("jam pelajaran, 45 menit"))
    days = models.PositiveIntegerField(_("lama (hari)"))
    day_rule = models.CharField(
        _("aturan hari"), max_length=10, choices=DayRule.choices, default=DayRule.WORKING_DAYS
    )

    class Meta:
        ordering = ["program", "order"]
        verbose_name = _("templat tahap")
        verbose_name_plural = _("templat tahap")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "order"], name="phase_template_order_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(days__gt=0), name="phase_template_days_positive"
            ),
        ]

    def __str__(self):
        return f"{self.program.code} {self.order}. {self.name}"
