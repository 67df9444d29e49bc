"""Each certificate number's place in the credentials' status list (issue 18).

Imported by documents.models, so this is a documents app model. See documents.credentials for
the rules and docs/credentials.md for the format.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateCredential(models.Model):
    """The Open Badges credential of one certificate under one number: its id and its bit in
    a BitstringStatusList. Made when the holder (or staff) first downloads it. A reissued
    certificate gets a new number, hence a new credential and bit; the old credential's bit is
    then set, as the old paper is no longer valid."""

    certificate = models.ForeignKey(
        "documents.Certificate",
        on_delete=models.CASCADE,
        related_name="credentials",
        verbose_name=_("sertifikat"),
    )
    # The number the credential states, as the certificate carried it when it was made.
    number = models.CharField(_("nomor"), max_length=200)
    credential_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status_list = models.PositiveIntegerField(default=1)
    # Drawn at random within the list (the spec's advice: an index in issuing order would
    # tell who received a credential next to whom).
    status_index = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kredensial sertifikat")
        verbose_name_plural = _("kredensial sertifikat")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "number"], name="credential_per_certificate_number"
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_status_bit_unique"
            ),
        ]

    def __str__(self):
        return self.number
