from django.contrib import admin

from .models import PhaseTemplate, Program, ProgramVersion, Subject


class ProgramVersionInline(admin.TabularInline):
    model = ProgramVersion
    extra = 0
    fields = ["number", "effective_date", "declared_total_jp", "note"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position_level", "project_label", "default_capacity"]
    inlines = [ProgramVersionInline]


class PhaseTemplateInline(admin.TabularInline):
    model = PhaseTemplate
    extra = 0


@admin.register(ProgramVersion)
class ProgramVersionAdmin(admin.ModelAdmin):
    list_display = ["program", "number", "effective_date", "declared_total_jp"]
    inlines = [PhaseTemplateInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "phase_template", "jp"]
