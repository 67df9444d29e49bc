from django.contrib import admin

from cohorts.admin import WithinReachAdmin

from .models import Certificate, CertificateBatch


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
