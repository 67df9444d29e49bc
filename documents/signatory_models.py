"""The signatories printed on an institution's certificates (issue 18).

Imported by documents.models, so this is the documents app's model. They decide what the
certificate PRINTS (up to three blocks, each with name, NIP, title and signature image); the
InstitutionSigner (documents.bsre_models) decides how the PDF is signed electronically.
See documents.signatories for the rules.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .bsre_models import ACTING_PREFIX


class CertificateSignatory(models.Model):
    """One signature block of an institution's certificates, for one program or (program
    empty) for every program without its own. Printed left to right by `order`."""

    institution = models.ForeignKey(
        "cohorts.Institution",
        on_delete=models.CASCADE,
        related_name="certificate_signatories",
        verbose_name=_("lembaga"),
    )
    program = models.ForeignKey(
        "curriculum.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificate_signatories",
        verbose_name=_("program"),
        help_text=_("Kosongkan untuk semua program yang tidak punya penanda tangan sendiri."),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    name = models.CharField(_("nama dan gelar"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    title = models.CharField(_("jabatan"), max_length=200)
    acting = models.BooleanField(
        _("pelaksana tugas (Plt.)"),
        default=False,
        help_text=_("Jabatan ditulis dengan awalan “Plt.”."),
    )
    signature = models.FileField(_("gambar tanda tangan"), upload_to="lembaga/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution", "program", "order", "pk"]
        verbose_name = _("penanda tangan sertifikat")
        verbose_name_plural = _("penanda tangan sertifikat")

    def __str__(self):
        return f"{self.display_title}: {self.name}"

    @property
    def display_title(self):
        """The title printed: "Plt. " before it for an acting official."""
        if self.acting and not self.title.startswith(ACTING_PREFIX):
            return f"{ACTING_PREFIX} {self.title}"
        return self.title
