"""Who signs an institution's certificates, and the state of signing through BSrE.

Imported by documents.models, so these are the documents app's models. See
documents.bsre_signing for the rules and docs/integrations-bsre.md for the flow.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

NIK_VALIDATOR = RegexValidator(r"^\d{16}\Z", _("NIK terdiri atas 16 angka."))
ACTING_PREFIX = "Plt."


class InstitutionSigner(models.Model):
    """An institution's signatory: its local PKCS#12 key (the default), or BSrE, where the
    head signs as a person (NIK and passphrase) or with the institution's seal (TOTP). An
    acting head (Plt.) signs with their own title, e.g. "Plt. Kepala BPSDMD Provinsi
    Banten"."""

    class Mode(models.TextChoices):
        LOCAL = "local", _("Kunci lokal (PKCS#12)")
        BSRE = "bsre", _("BSrE: tanda tangan pimpinan (NIK dan passphrase)")
        SEAL = "bsre_seal", _("BSrE: segel elektronik lembaga (TOTP)")

    institution = models.OneToOneField(
        "cohorts.Institution",
        on_delete=models.CASCADE,
        related_name="signer",
        verbose_name=_("lembaga"),
    )
    mode = models.CharField(
        _("cara menandatangani"), max_length=10, choices=Mode.choices, default=Mode.LOCAL
    )
    # The account that approves batches (the head, or the acting head): they sign in with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signer_of",
        verbose_name=_("akun penanda tangan"),
    )
    name = models.CharField(_("nama penanda tangan"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    title = models.CharField(_("jabatan"), max_length=200)
    acting = models.BooleanField(
        _("pelaksana tugas (Plt.)"),
        default=False,
        help_text=_("Jabatan ditulis dengan awalan “Plt.”."),
    )
    nik = models.CharField(
        _("NIK"), max_length=16, blank=True, validators=[NIK_VALIDATOR],
        help_text=_("Untuk tanda tangan BSrE: NIK pemilik sertifikat elektronik."),
    )  # fmt: skip
    seal_id = models.CharField(
        _("ID segel (idSubscriber)"), max_length=100, blank=True,
        help_text=_("Untuk segel elektronik BSrE."),
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penanda tangan lembaga")
        verbose_name_plural = _("penanda tangan lembaga")

    def __str__(self):
        return f"{self.display_title}: {self.name}"

    @property
    def uses_bsre(self):
        return self.mode in (self.Mode.BSRE, self.Mode.SEAL)

    @property
    def display_title(self):
        """The title printed on certificates: "Plt. " before it for an acting head."""
        if self.acting and not self.title.startswith(ACTING_PREFIX):
            return f"{ACTING_PREFIX} {self.title}"
        return self.title


class BatchSigning(models.Model):
    """Signing a certificate batch through BSrE: rendered unsigned, it waits for the signer's
    approval; then a job signs each certificate. An outage stops it with the reason, what is
    signed stays signed, and "Lanjutkan" signs the rest."""

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Menunggu tanda tangan")
        QUEUED = "queued", _("Disetujui, menunggu pekerja")
        SIGNING = "signing", _("Sedang ditandatangani")
        INTERRUPTED = "interrupted", _("Terhenti")
        DONE = "done", _("Selesai ditandatangani")

    batch = models.OneToOneField(
        "documents.CertificateBatch", on_delete=models.CASCADE, related_name="signing"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.AWAITING)
    total = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penandatanganan BSrE")
        verbose_name_plural = _("penandatanganan BSrE")

    def __str__(self):
        return f"{self.batch}: {self.get_state_display()}"

    @property
    def percent(self):
        return round(100 * self.signed / self.total) if self.total else 0


class CertificateSignature(models.Model):
    """One certificate's BSrE signature: pending (with why, when an attempt failed) or
    signed, with the digest of the unsigned file that was sent and of the file kept."""

    class State(models.TextChoices):
        PENDING = "pending", _("Belum ditandatangani")
        SIGNED = "signed", _("Ditandatangani")

    certificate = models.OneToOneField(
        "documents.Certificate", on_delete=models.CASCADE, related_name="bsre_signature"
    )
    signing = models.ForeignKey(BatchSigning, on_delete=models.CASCADE, related_name="signatures")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_sha256 = models.CharField(max_length=64, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tanda tangan BSrE sertifikat")
        verbose_name_plural = _("tanda tangan BSrE sertifikat")

    def __str__(self):
        return f"{self.certificate_id}: {self.get_state_display()}"


class SigningEvent(models.Model):
    """What happened to a batch's signing: approved, stopped (and why), resumed, done."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Disetujui")
        INTERRUPTED = "interrupted", _("Terhenti")
        RESUMED = "resumed", _("Dilanjutkan")
        DONE = "done", _("Selesai")

    signing = models.ForeignKey(BatchSigning, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("riwayat penandatanganan")
        verbose_name_plural = _("riwayat penandatanganan")

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"
