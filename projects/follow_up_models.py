"""After the training: the follow-up rounds of a change project (LAN's *evaluasi pasca
pelatihan*) and its page in the public catalogue of innovations (issue 18).

Imported by projects.models, so that Django registers these models with the projects app.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpRound(models.Model):
    """One follow-up of a project, `months` after its seminar: the participant updates the
    medium- and long-term milestones, the mentor confirms. Opened once per project and month
    (projects.follow_up.follow_up_rounds_open)."""

    project = models.ForeignKey(
        "projects.ChangeProject", on_delete=models.CASCADE, related_name="follow_up_rounds"
    )
    months = models.PositiveSmallIntegerField(_("bulan setelah seminar"))
    due_on = models.DateField(_("jatuh tempo"))
    opened_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("diisi pada"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    confirmed_at = models.DateTimeField(_("dikonfirmasi pada"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    mentor_note = models.TextField(_("catatan mentor"), blank=True)

    class Meta:
        ordering = ["project", "months"]
        verbose_name = _("tindak lanjut proyek")
        verbose_name_plural = _("tindak lanjut proyek")
        constraints = [
            models.UniqueConstraint(fields=["project", "months"], name="follow_up_round_once"),
        ]

    def __str__(self):
        return f"{self.project} — {self.months}"


def follow_up_evidence_path(answer, filename):
    return f"proyek/{answer.round.project_id}/tindak-lanjut/{filename}"


class FollowUpAnswer(models.Model):
    """A milestone's state in one round, with a short note and its evidence (a file checked by
    content as other project uploads are, or a link)."""

    class Status(models.TextChoices):
        NOT_STARTED = "belum", _("Belum dimulai")
        ONGOING = "berjalan", _("Berjalan")
        DONE = "selesai", _("Selesai")
        STOPPED = "terhenti", _("Terhenti")

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="answers")
    milestone = models.ForeignKey(
        "projects.Milestone", on_delete=models.CASCADE, related_name="follow_up_answers"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    note = models.CharField(_("catatan singkat"), max_length=500, blank=True)
    link = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    file = models.FileField(upload_to=follow_up_evidence_path, max_length=300, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    extension = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("isian tindak lanjut")
        verbose_name_plural = _("isian tindak lanjut")
        constraints = [
            models.UniqueConstraint(fields=["round", "milestone"], name="follow_up_answer_once"),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.get_status_display()}"


class CataloguePublication(models.Model):
    """A project in the public catalogue of innovations. Title, theme, region, program and
    year are always shown; the summary, the results and the participant's name only when the
    participant chose so. Unpublished, it keeps its address for a later publication."""

    project = models.OneToOneField(
        "projects.ChangeProject", on_delete=models.CASCADE, related_name="publication"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.CharField(_("wilayah"), max_length=100)
    summary = models.TextField(_("ringkasan"), blank=True)
    results = models.TextField(_("hasil"), blank=True)
    show_summary = models.BooleanField(_("tampilkan ringkasan"), default=True)
    show_results = models.BooleanField(_("tampilkan hasil"), default=True)
    show_name = models.BooleanField(_("tampilkan nama saya"), default=True)
    published = models.BooleanField(_("terbit"), default=False)
    published_at = models.DateTimeField(_("terbit pada"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "pk"]
        verbose_name = _("inovasi di katalog")
        verbose_name_plural = _("inovasi di katalog")
        indexes = [models.Index(fields=["published", "region"], name="catalogue_region")]

    def __str__(self):
        return str(self.project)
