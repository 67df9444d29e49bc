from django.contrib import admin

from .models import Certificate, CertificateBatch, Cohort, CohortPhase, Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class CohortPhaseInline(admin.TabularInline):
    model = CohortPhase
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organiser", "start_date", "end_date"]
    list_select_related = ["program", "organiser"]
    inlines = [CohortPhaseInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "enrolment", "status", "issued_on"]
    list_select_related = ["enrolment__participant", "enrolment__cohort__program"]
    readonly_fields = ["verification_id"]


@admin.register(CertificateBatch)
class CertificateBatchAdmin(admin.ModelAdmin):
    list_display = ["cohort", "status", "rendered", "total", "created_at"]
