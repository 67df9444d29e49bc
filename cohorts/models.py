import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curriculum.models import (
    DayRule,
    PhaseKind,
    PhaseMode,
    PhaseTemplate,
    Program,
    ProgramVersion,
)


def calendar_token_new():
    """A secret for a calendar subscription URL: calendar apps cannot log in."""
    return secrets.token_urlsafe(24)


class Institution(models.Model):
    """A government body: a training agency (BPSDM) or a participant's agency (Pemkot, OPD).

    Agencies nest: a city government holds its OPDs.
    """

    class Kind(models.TextChoices):
        TRAINING_AGENCY = "training", _("Lembaga pelatihan (BPSDM/BKD)")
        LOCAL_GOVERNMENT = "pemda", _("Pemerintah daerah")
        UNIT = "opd", _("Perangkat daerah (OPD)")
        OTHER = "other", _("Lainnya")

    name = models.CharField(_("nama"), max_length=200)
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("induk"),
    )
    city = models.CharField(_("kota"), max_length=100, blank=True)
    # The staff accounts that work for this agency: they see and change only the cohorts it
    # organises or co-organises (cohorts.scope). Administrators cover every institution.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staff_institutions",
        verbose_name=_("staf"),
    )
    head_name = models.CharField(_("nama pimpinan"), max_length=200, blank=True)
    head_nip = models.CharField(_("NIP pimpinan"), max_length=18, blank=True)
    head_title = models.CharField(_("jabatan pimpinan"), max_length=200, blank=True)
    # What its certificates look like; staff set these on the institution's certificate page.
    logo = models.FileField(_("logo"), upload_to="lembaga/", blank=True)
    head_signature = models.FileField(_("gambar tanda tangan pimpinan"), upload_to="lembaga/",
                                      blank=True)  # fmt: skip
    certificate_title = models.CharField(
        _("judul sertifikat"), max_length=100, default="SURAT TANDA TAMAT PELATIHAN"
    )
    certificate_basis = models.TextField(
        _("dasar penerbitan"),
        blank=True,
        help_text=_("Dicetak di bawah keterangan kelulusan, misalnya dasar hukum pelatihan."),
    )
    # The full STTP (issue 18): a second page with the subjects and their JP. Off by
    # default, so that an institution's certificates stay one page until its staff choose it.
    certificate_transcript = models.BooleanField(
        _("halaman transkrip mata pelatihan"),
        default=False,
        help_text=_("Sertifikat diberi halaman kedua: daftar mata pelatihan dengan JP-nya."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        # Administrators hold it: they work across every institution (cohorts.scope).
        permissions = [("cover_every_institution", _("Bekerja di semua instansi"))]

    def __str__(self):
        return self.name


class NonWorkingDay(models.Model):
    """A day an organiser does not train on, beyond national holidays and cuti bersama
    (a provincial anniversary, a regional holiday)."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="non_working_days",
        verbose_name=_("instansi"),
    )
    date = models.DateField(_("tanggal"))
    name = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        ordering = ["institution", "date"]
        verbose_name = _("hari libur instansi")
        verbose_name_plural = _("hari libur instansi")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "date"], name="non_working_day_once_per_institution"
            ),
        ]

    def __str__(self):
        return f"{self.date}: {self.name}"


def roman(number):
    numerals = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]  # fmt: skip
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


class Cohort(models.Model):
    """An angkatan: one run of a program by an organiser, with its dated phases."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("program")
    )
    # The curriculum version the cohort was created from; it never changes afterwards.
    program_version = models.ForeignKey(
        ProgramVersion,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("versi program"),
    )
    organiser = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="organised_cohorts",
        verbose_name=_("penyelenggara"),
    )
    # A second agency that runs the cohort with the organiser (BKD Kabupaten Probolinggo with
    # BPSDM Provinsi Jawa Timur): its staff work on the cohort as the organiser's do. Numbers
    # and the certificate's look stay the organiser's.
    co_organiser = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_organised_cohorts",
        verbose_name=_("penyelenggara pendamping"),
    )
    # The body the cohort is run on behalf of (LAN RI for PKN Tingkat II): shown on the cohort
    # and in reports, and on the certificate as a second signatory block when
    # `on_behalf_signs` says the regulation wants one.
    on_behalf_of = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cohorts_on_behalf",
        verbose_name=_("atas nama"),
    )
    on_behalf_signs = models.BooleanField(
        _("blok tanda tangan atas nama pada sertifikat"),
        default=False,
        help_text=_("Sertifikat memuat blok tanda tangan lembaga yang diwakili (a.n.)."),
    )
    angkatan = models.PositiveIntegerField(_("angkatan"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    start_date = models.DateField(_("tanggal mulai"))
    end_date = models.DateField(_("tanggal selesai"))
    venue = models.CharField(_("tempat"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("kapasitas"), default=40)
    calendar_token = models.CharField(max_length=64, unique=True, default=calendar_token_new)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when staff close the grades after the graduation meeting (see projects.closing).
    grades_closed_at = models.DateTimeField(_("nilai ditutup pada"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "program__name", "angkatan"]
        verbose_name = _("angkatan")
        verbose_name_plural = _("angkatan")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organiser", "year", "angkatan"],
                name="cohort_unique_number",
                violation_error_message=_(
                    "Angkatan dengan program, penyelenggara, nomor, dan tahun ini sudah ada."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="cohort_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(co_organiser__isnull=True)
                | ~models.Q(co_organiser=models.F("organiser")),
                name="cohort_co_organiser_not_organiser",
                violation_error_message=_(
                    "Penyelenggara pendamping harus berbeda dari penyelenggara."
                ),
            ),
        ]

    def __str__(self):
        return _("%(program)s Angkatan %(angkatan)s Tahun %(year)s") % {
            "program": self.program.name,
            "angkatan": self.angkatan_label,
            "year": self.year,
        }

    def get_absolute_url(self):
        return reverse("cohort_detail", args=[self.pk])

    @property
    def angkatan_label(self):
        if self.program.angkatan_style == Program.AngkatanStyle.ROMAN:
            return roman(self.angkatan)
        return str(self.angkatan)


class CohortPhase(models.Model):
    """A phase of one cohort with its dates, copied from the program's template."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="phases", verbose_name=_("angkatan")
    )
    template = models.ForeignKey(
        PhaseTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cohort_phases",
        verbose_name=_("templat tahap"),
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    kind = models.CharField(_("jenis"), max_length=20, choices=PhaseKind.choices)
    name = models.CharField(_("nama tahap"), max_length=100)
    mode = models.CharField(
        _("moda"), max_length=10, choices=PhaseMode.choices, default=PhaseMode.ONLINE
    )
    jp = models.PositiveIntegerField(_("JP"))
    days = models.PositiveIntegerField(_("lama (hari)"))
    day_rule = models.CharField(_("aturan hari"), max_length=10, choices=DayRule.choices)
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("selesai"))
    # Calendar apps recognise an event by its UID and take a higher SEQUENCE as an update.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["cohort", "order"]
        verbose_name = _("tahap")
        verbose_name_plural = _("tahap")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "order"], name="cohort_phase_order_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="cohort_phase_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class Speaker(models.Model):
    """An outside speaker in an organiser's register: an expert, a practitioner, or an official
    such as the governor who opens a cohort. A class session is taught by a widyaiswara (a user)
    or by one of these, who has no account (docs/decisions.md, "Outside speakers")."""

    class Kind(models.TextChoices):
        EXPERT = "pakar", _("Pakar")
        PRACTITIONER = "praktisi", _("Praktisi")
        RESOURCE = "narasumber", _("Narasumber")
        OFFICIAL = "pejabat", _("Pejabat (mis. gubernur yang membuka angkatan)")

    # The organiser whose staff keep the register; staff see only their agencies' speakers.
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="speakers",
        verbose_name=_("pengelola daftar"),
    )
    name = models.CharField(_("nama dan gelar"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.RESOURCE)
    origin = models.CharField(_("instansi asal"), max_length=200, blank=True)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("surel"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("narasumber")
        verbose_name_plural = _("narasumber")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="speaker_once_per_institution",
                violation_error_message=_("Narasumber dengan nama ini sudah ada di daftar."),
            ),
        ]

    def __str__(self):
        return self.name


class ClassSession(models.Model):
    """A session on one day of a classical phase: a subject taught by a widyaiswara or by an
    outside speaker of the organiser's register, worth its JP."""

    phase = models.ForeignKey(
        CohortPhase, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("tahap")
    )
    date = models.DateField(_("tanggal"))
    start_time = models.TimeField(_("mulai"))
    end_time = models.TimeField(_("selesai"))
    subject = models.CharField(_("mata pelatihan"), max_length=200)
    widyaiswara = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teaching_sessions",
        verbose_name=_("widyaiswara"),
    )
    # Kept when the speaker leaves the register: the JP they taught stay on record.
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("narasumber luar"),
    )
    room = models.CharField(_("ruang"), max_length=100, blank=True)
    # Jam pelajaran: 45 minutes each in Indonesian government training (cohorts.services
    # session_jp gives the default); staff may set another figure.
    jp = models.PositiveSmallIntegerField(_("JP"), default=1)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("sesi")
        verbose_name_plural = _("sesi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="class_session_times_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(widyaiswara__isnull=True) | models.Q(speaker__isnull=True),
                name="class_session_one_teacher",
                violation_error_message=_(
                    "Pilih widyaiswara atau narasumber luar, tidak keduanya."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.start_time:%H.%M} {self.subject}"

    @property
    def teacher_name(self):
        """Who teaches it, as the schedule shows them ("" when nobody is set yet). Select the
        related widyaiswara and speaker with the session, or this costs a query."""
        if self.speaker_id:
            return self.speaker.name
        if self.widyaiswara_id:
            return self.widyaiswara.get_full_name() or self.widyaiswara.username
        return ""


class ApiKey(models.Model):
    """A key an outside system (an LMS, a province's dashboard) calls the REST API with: it
    reads, or reads and writes, the cohorts its one institution organises or co-organises.

    Only the first characters (`prefix`, to find the key and to tell keys apart on a list) and a
    SHA-256 digest of the whole key are stored: the key is 32 random bytes, so a slow password
    hash would add nothing against guessing, and a fast digest lets every request be checked
    without costing an Argon2 round (cohorts.api_keys)."""

    class Access(models.TextChoices):
        READ = "read", _("Baca saja")
        READ_WRITE = "read_write", _("Baca dan tulis")

    name = models.CharField(
        _("nama"), max_length=100, help_text=_("Untuk apa kunci ini, mis. LMS Banten Ceria.")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("instansi"),
        help_text=_("Kunci hanya membaca dan menulis angkatan yang diselenggarakan instansi ini."),
    )
    access = models.CharField(
        _("akses"), max_length=10, choices=Access.choices, default=Access.READ
    )
    prefix = models.CharField(_("awalan kunci"), max_length=12, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(
        _("terakhir dipakai"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kunci API")
        verbose_name_plural = _("kunci API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def writes(self):
        return self.access == self.Access.READ_WRITE


def webhook_secret_new():
    return secrets.token_hex(32)


class Webhook(models.Model):
    """An address of an institution's own system that is told, by a signed POST, when one of
    its cohorts' certificates is issued, revoked or reissued (documents.webhooks). The secret
    signs each POST (HMAC-SHA256); the receiver keeps the same secret to check it, so it is
    stored as it is, shown to administrators only."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="webhooks",
        verbose_name=_("instansi"),
    )
    url = models.URLField(_("alamat"), max_length=500)
    secret = models.CharField(
        _("rahasia penanda tangan"), max_length=64, default=webhook_secret_new, editable=False
    )
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["institution", "url"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhook")

    def __str__(self):
        return f"{self.institution}: {self.url}"


class WebhookDelivery(models.Model):
    """One event sent (or to send) to one webhook: kept with its attempts and, when every
    attempt failed, the reason, for administrators to read."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("peristiwa"), max_length=40)
    payload = models.JSONField(_("isi"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("kiriman webhook")
        verbose_name_plural = _("kiriman webhook")

    def __str__(self):
        return f"{self.event} → {self.webhook.url}"
