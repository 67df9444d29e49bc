from django.contrib import admin

from .models import Cohort, CohortPhase, Institution
from .scope import cohorts_within_reach, institutions_within_reach, within_reach


class WithinReachAdmin(admin.ModelAdmin):
    """The admin site keeps staff to their agencies' cohorts as the pages do (cohorts.scope):
    lists, object pages and the cohort choices of forms. `cohort_lookup` leads from the
    model to its cohort ("" for cohorts themselves)."""

    cohort_lookup = "cohort"

    def get_queryset(self, request):
        return within_reach(super().get_queryset(request), request.user, self.cohort_lookup)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Cohort:
            kwargs["queryset"] = cohorts_within_reach(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    # Who works for the agency: they see and change only its cohorts (cohorts.scope).
    filter_horizontal = ["staff"]

    def get_queryset(self, request):
        return institutions_within_reach(request.user, super().get_queryset(request))


class CohortPhaseInline(admin.TabularInline):
    model = CohortPhase
    extra = 0


@admin.register(Cohort)
class CohortAdmin(WithinReachAdmin):
    cohort_lookup = ""
    list_display = ["__str__", "organiser", "co_organiser", "start_date", "end_date"]
    list_select_related = ["program", "organiser", "co_organiser"]
    inlines = [CohortPhaseInline]
