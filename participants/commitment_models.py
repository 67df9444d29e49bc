"""The komitmen bersama phase: each participant's signed commitment document (issue 18).

Imported by participants.models, so this is the participants app's model. Staff upload the
signed scan per participant (participants.commitments); the participant sees it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitmentDocument(models.Model):
    """The signed commitment (*komitmen bersama*) of one enrolment: a PDF or a JPG/PNG scan,
    checked by its content when uploaded. A new upload replaces the old file."""

    enrolment = models.OneToOneField(
        "participants.Enrolment",
        on_delete=models.CASCADE,
        related_name="commitment",
        verbose_name=_("peserta angkatan"),
    )
    file = models.FileField(_("dokumen komitmen"), upload_to="komitmen/")
    kind = models.CharField(_("jenis berkas"), max_length=4)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now=True)

    class Meta:
        verbose_name = _("dokumen komitmen bersama")
        verbose_name_plural = _("dokumen komitmen bersama")

    def __str__(self):
        return f"{self.enrolment_id}: {self.file.name}"
