from django.contrib import admin

from .models import Cohort, CohortPhase, Institution


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
