from django.contrib import admin

from cohorts.admin import WithinReachAdmin

from .models import Certificate, CertificateBatch, ReportJob


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
class ReportJobAdmin(WithinReachAdmin):
    """Report jobs as they ran: for finding one that failed or stalled, and why. Read only:
    the pages make and retry them (documents.reports)."""

    list_display = ["__str__", "cohort", "status", "done", "total", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["cohort__program"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
