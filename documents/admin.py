from django.contrib import admin

from .models import Certificate, CertificateBatch


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "enrolment", "status", "issued_on"]
    list_select_related = ["enrolment__participant", "enrolment__cohort__program"]
    readonly_fields = ["verification_id"]


@admin.register(CertificateBatch)
class CertificateBatchAdmin(admin.ModelAdmin):
    list_display = ["cohort", "status", "rendered", "total", "created_at"]
