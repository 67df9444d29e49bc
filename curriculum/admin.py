from django.contrib import admin

from .models import EvaluationCriterion, PhaseTemplate, Program, ProgramVersion, Subject


class ProgramVersionInline(admin.TabularInline):
    model = ProgramVersion
    extra = 0
    fields = ["number", "effective_date", "declared_total_jp", "note"]


class EvaluationCriterionInline(admin.TabularInline):
    """The questions of the participants' evaluation (the scale is the program's field)."""

    model = EvaluationCriterion
    extra = 0
    fields = ["target", "label", "order"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position_level", "project_label", "default_capacity"]
    # projects.admin adds the score components and predicate bands (they are projects').
    inlines = [ProgramVersionInline, EvaluationCriterionInline]


class PhaseTemplateInline(admin.TabularInline):
    model = PhaseTemplate
    extra = 0

    # A published version is frozen here too: cohorts were created from it.
    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)


@admin.register(ProgramVersion)
class ProgramVersionAdmin(admin.ModelAdmin):
    list_display = ["program", "number", "effective_date", "declared_total_jp", "published_at"]
    inlines = [PhaseTemplateInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "phase_template", "jp"]
