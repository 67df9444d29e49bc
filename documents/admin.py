from django.contrib import admin

from cohorts.admin import WithinReachAdmin

from .bsre_models import BatchSigning
from .models import Certificate, CertificateBatch, ReportJob
from .siasn_models import SiasnSync


class ReadOnlyAdmin(WithinReachAdmin):
    """Rows the pages and jobs write, shown to find one that failed and why."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(WithinReachAdmin):
    cohort_lookup = "enrolment__cohort"
    list_display = ["number", "enrolment", "status", "issued_on"]
    list_select_related = ["enrolment__participant", "enrolment__cohort__program"]
    readonly_fields = ["verification_id"]
    # A typed id, not a list of every enrolment of every agency.
    raw_id_fields = ["enrolment"]


@admin.register(CertificateBatch)
class CertificateBatchAdmin(WithinReachAdmin):
    list_display = ["cohort", "status", "rendered", "total", "created_at"]


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    """Report jobs as they ran: for finding one that failed or stalled, and why. Read only:
    the pages make and retry them (documents.reports)."""

    list_display = ["__str__", "cohort", "status", "done", "total", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["cohort__program"]
    date_hierarchy = "created_at"


@admin.register(SiasnSync)
class SiasnSyncAdmin(ReadOnlyAdmin):
    """Each certificate's riwayat diklat in SIASN; staff send and retry on Kirim ke SIASN."""

    cohort_lookup = "certificate__enrolment__cohort"
    list_display = ["certificate", "status", "siasn_id", "attempts", "sent_at", "error"]
    list_filter = ["status"]
    list_select_related = ["certificate"]
    search_fields = ["certificate__number", "siasn_id"]


@admin.register(BatchSigning)
class BatchSigningAdmin(ReadOnlyAdmin):
    """Batches signed through BSrE; the signer approves and resumes on Tanda tangan."""

    cohort_lookup = "batch__cohort"
    list_display = ["batch", "state", "signed", "total", "approved_by", "approved_at", "error"]
    list_filter = ["state"]
    list_select_related = ["batch__cohort__program", "approved_by"]
