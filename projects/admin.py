from django.contrib import admin

from .models import ChangeProject


@admin.register(ChangeProject)
class ChangeProjectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enrolment", "final_score", "scored_by"]
    list_select_related = ["enrolment__participant", "enrolment__cohort__program", "scored_by"]
