from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models import calendar_token_new

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
    agency = models.ForeignKey(
        "cohorts.Institution",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("instansi"),
    )
    email = models.EmailField(_("surel"), blank=True)
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

    @property
    def nip_display(self):
        return nip_format(self.nip)

    @property
    def rank_display(self):
        return rank_title(self.rank)

    @property
    def nip_info(self):
        return nip_parse(self.nip)


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
    enrolled_at = models.DateTimeField(auto_now_add=True)

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
