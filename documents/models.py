"""What Angkatan prints or signs: STTP certificates with their numbering, history and batches,
and phase reports.

The tables keep the names they had when these models lived in `cohorts` (see
docs/decisions.md, "Documents are their own app"): moving a model never moves its rows.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CertificateSeries(models.Model):
    """A numbering series; its counter is taken under a row lock, so numbers never repeat."""

    key = models.CharField(max_length=200, unique=True)
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "cohorts_certificateseries"
        verbose_name = _("seri nomor sertifikat")
        verbose_name_plural = _("seri nomor sertifikat")

    def __str__(self):
        return self.key


class NumberingPattern(models.Model):
    """How an institution numbers its certificates, for all its programs or for one."""

    institution = models.ForeignKey(
        "cohorts.Institution",
        on_delete=models.CASCADE,
        related_name="numbering_patterns",
        verbose_name=_("lembaga"),
    )
    program = models.ForeignKey(
        "curriculum.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("program"),
        help_text=_("Kosongkan untuk semua program lembaga ini."),
    )
    pattern = models.CharField(_("pola nomor"), max_length=200)

    class Meta:
        db_table = "cohorts_numberingpattern"
        verbose_name = _("pola nomor sertifikat")
        verbose_name_plural = _("pola nomor sertifikat")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "program"], name="pattern_once_per_program"
            ),
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(program__isnull=True),
                name="pattern_once_per_institution",
            ),
        ]

    def __str__(self):
        return self.pattern


# Letters and digits nobody confuses when reading them off paper (no 0/O, 1/I/L).
CHECK_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECK_CODE_LENGTH = 6


def check_code_new():
    """A certificate's check code, printed beside its number: a lookup by number needs it, so
    nobody can list holders by walking the sequential numbers (31^6, about 887 million)."""
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(CHECK_CODE_LENGTH))


def certificate_upload_to(certificate, filename):
    return f"sertifikat/{certificate.enrolment.cohort_id}/{filename}"


class Certificate(models.Model):
    """An STTP (Surat Tanda Tamat Pelatihan): one per passing enrolment, numbered once."""

    class Status(models.TextChoices):
        VALID = "valid", _("Sah")
        REVOKED = "revoked", _("Dicabut")

    enrolment = models.OneToOneField(
        "participants.Enrolment",
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("peserta angkatan"),
    )
    series = models.ForeignKey(CertificateSeries, on_delete=models.PROTECT)
    seq = models.PositiveIntegerField()
    number = models.CharField(_("nomor"), max_length=200, unique=True)
    verification_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Kept when the certificate is reissued, like the verification id: a reprint carries the
    # same code, and the old paper's number (kept in the events) still finds it.
    check_code = models.CharField(
        _("kode cek"), max_length=CHECK_CODE_LENGTH, default=check_code_new, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    issued_on = models.DateField(_("tanggal terbit"))
    # What the certificate states, fixed when it is issued.
    final_score = models.DecimalField(_("nilai akhir"), max_digits=5, decimal_places=2)
    predicate = models.CharField(_("predikat"), max_length=50)
    pdf = models.FileField(_("berkas PDF"), upload_to=certificate_upload_to, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    class Meta:
        db_table = "cohorts_certificate"
        ordering = ["series", "seq"]
        permissions = [
            ("issue_certificates", _("Dapat menerbitkan sertifikat")),
            ("view_documents", _("Dapat melihat semua dokumen")),
        ]
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")
        constraints = [
            models.UniqueConstraint(fields=["series", "seq"], name="certificate_seq_unique"),
        ]

    def __str__(self):
        return self.number

    def get_verification_path(self):
        return reverse("verify", args=[self.verification_id])

    def get_verification_url(self):
        return settings.SITE_URL + self.get_verification_path()


class CertificateEvent(models.Model):
    """A certificate's history: issued, revoked, reissued; who, when, why and its number."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Diterbitkan")
        REVOKED = "revoked", _("Dicabut")
        REISSUED = "reissued", _("Diterbitkan ulang")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    # The number the certificate carried at this point: old numbers stay findable.
    number = models.CharField(_("nomor"), max_length=200, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("alasan"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cohorts_certificateevent"
        ordering = ["at", "pk"]
        verbose_name = _("riwayat sertifikat")
        verbose_name_plural = _("riwayat sertifikat")

    def __str__(self):
        return f"{self.number}: {self.get_action_display()}"


def batch_upload_to(batch, filename):
    return f"sertifikat/{batch.cohort_id}/penerbitan-{batch.pk}/{filename}"


class CertificateBatch(models.Model):
    """One request to issue a cohort's certificates, run by a Celery job; staff watch it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        MERGING = "merging", _("Menggabungkan berkas")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="certificate_batches"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    rendered = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set at every certificate the job finishes: a running batch that stops moving lost its
    # worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Every certificate of the cohort in one PDF (to print), and all the PDFs in one ZIP.
    merged_pdf = models.FileField(upload_to=batch_upload_to, blank=True, max_length=300)
    archive = models.FileField(upload_to=batch_upload_to, blank=True, max_length=300)

    class Meta:
        db_table = "cohorts_certificatebatch"
        ordering = ["-created_at"]
        verbose_name = _("penerbitan sertifikat")
        verbose_name_plural = _("penerbitan sertifikat")

    def __str__(self):
        return f"{self.cohort} #{self.pk}"

    def get_absolute_url(self):
        return reverse("documents:batch_detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        return round(100 * self.rendered / self.total) if self.total else 0


def report_upload_to(report, filename):
    return f"laporan/{report.phase.cohort_id}/{filename}"


class PhaseReport(models.Model):
    """A phase's report as PDF: asked for by staff, or made when the phase ended."""

    phase = models.ForeignKey(
        "cohorts.CohortPhase", on_delete=models.CASCADE, related_name="reports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    automatic = models.BooleanField(default=False)
    pdf = models.FileField(upload_to=report_upload_to, max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cohorts_phasereport"
        ordering = ["-created_at"]
        verbose_name = _("laporan tahap")
        verbose_name_plural = _("laporan tahap")
        constraints = [
            # One automatic report per phase, whatever the scheduler retries.
            models.UniqueConstraint(
                fields=["phase"], condition=models.Q(automatic=True), name="auto_report_once"
            ),
        ]

    def __str__(self):
        return f"{self.phase} ({self.created_at:%Y-%m-%d})"


def report_job_upload_to(job, filename):
    scope = job.cohort_id if job.cohort_id else "log-audit"
    return f"laporan/{scope}/tugas-{job.pk}/{filename}"


class ReportJob(models.Model):
    """One report or export made by a Celery job (documents.reports): the final report as PDF
    or XLSX, a phase report, the roster, the audit log. Staff watch its progress, then download
    its file. A job done for the same inputs (`fingerprint`) is handed out again instead of
    rendering the same file twice."""

    class Kind(models.TextChoices):
        FINAL_PDF = "final_pdf", _("Laporan akhir (PDF)")
        FINAL_XLSX = "final_xlsx", _("Laporan nilai akhir (XLSX)")
        PHASE_PDF = "phase_pdf", _("Laporan tahap (PDF)")
        ROSTER_XLSX = "roster_xlsx", _("Daftar peserta (XLSX)")
        ROSTER_CSV = "roster_csv", _("Daftar peserta (CSV)")
        AUDIT_XLSX = "audit_xlsx", _("Log audit (XLSX)")
        AUDIT_CSV = "audit_csv", _("Log audit (CSV)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Scoping: a cohort's reports are its staff's (cohorts.scope); the audit log's, with no
    # cohort, are the administrators'.
    cohort = models.ForeignKey(
        "cohorts.Cohort", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    phase = models.ForeignKey(
        "cohorts.CohortPhase", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What the report was asked with (the roster's or the audit log's filters).
    params = models.JSONField(default=dict, blank=True)
    # A digest of the inputs (documents.reports.report_fingerprint): the same digest, the
    # same file.
    fingerprint = models.CharField(max_length=64, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=report_job_upload_to, blank=True, max_length=300)
    # The phase report this job made (the phase page lists it).
    phase_report = models.ForeignKey(
        PhaseReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the job starts and at every step: one that stops moving lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tugas laporan")
        verbose_name_plural = _("tugas laporan")
        indexes = [models.Index(fields=["kind", "fingerprint"], name="report_job_reuse")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("documents:report_job", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0


# Signatories and BSrE signing (issue 17), and each certificate's record in SIASN (issue 17):
# in modules of their own, registered here.
from .bsre_models import (  # noqa: E402, F401
    BatchSigning,
    CertificateSignature,
    InstitutionSigner,
    SigningEvent,
)

# Verifiable credentials (issue 18): each certificate number's place in the status list.
from .credential_models import CertificateCredential  # noqa: E402, F401
from .siasn_models import SiasnSync  # noqa: E402, F401

# The signatories printed on the full STTP (issue 18), in a module of its own.
from .signatory_models import CertificateSignatory  # noqa: E402, F401
