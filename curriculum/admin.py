from django.contrib import admin

from .models import PhaseTemplate, Program


class PhaseTemplateInline(admin.TabularInline):
    model = PhaseTemplate
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "project_label", "default_capacity"]
    inlines = [PhaseTemplateInline]
