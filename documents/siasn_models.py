"""The state of each certificate's record in SIASN (documents.siasn_sync writes it).

Imported by documents.models, so this is a model of the documents app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SiasnSync(models.Model):
    """One certificate's riwayat diklat in SIASN: not sent, being sent, sent (with SIASN's id
    and when), or failed with the reason. A push claims the row by moving it to SENDING in one
    conditional UPDATE, so two workers never send the same certificate; `siasn_id` is saved
    as soon as SIASN gives it, so a retry never saves the record again."""

    class Status(models.TextChoices):
        NOT_SENT = "not_sent", _("Belum dikirim")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    certificate = models.OneToOneField(
        "documents.Certificate",
        on_delete=models.CASCADE,
        related_name="siasn",
        verbose_name=_("sertifikat"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NOT_SENT
    )
    # SIASN's id of the riwayat diklat row (rwDiklatId), and whether the PDF is attached to it.
    siasn_id = models.CharField(_("ID riwayat SIASN"), max_length=64, blank=True)
    document_sent = models.BooleanField(_("PDF terlampir"), default=False)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    error = models.TextField(_("alasan gagal"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    # When a worker claimed the row: a row SENDING for long lost its worker and may be claimed
    # again (it looks its record up in SIASN first).
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kiriman SIASN")
        verbose_name_plural = _("kiriman SIASN")
        indexes = [models.Index(fields=["status"], name="siasn_sync_status")]

    def __str__(self):
        return f"{self.certificate_id}: {self.get_status_display()}"
