from django.contrib import admin

from .models import Enrolment, Participant


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "nip", "rank", "agency"]
    list_select_related = ["agency"]
    search_fields = ["name", "nip"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["participant", "cohort", "status", "coach"]
    list_select_related = ["participant", "cohort__program", "coach"]
    list_filter = ["status"]
    # Outcomes change on the participant page (with a reason) and when grades close.
    readonly_fields = ["status"]
