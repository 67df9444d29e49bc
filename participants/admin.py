from django.contrib import admin
from django.db.models import Exists, OuterRef

from cohorts.admin import WithinReachAdmin
from cohorts.scope import within_reach

from .models import Enrolment, Participant


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "nip", "rank", "agency"]
    list_select_related = ["agency"]
    search_fields = ["name", "nip"]

    def get_queryset(self, request):
        """Staff: the participants enrolled in their agencies' cohorts (cohorts.scope)."""
        enrolled = within_reach(Enrolment.objects.filter(participant=OuterRef("pk")), request.user)
        return super().get_queryset(request).filter(Exists(enrolled))


@admin.register(Enrolment)
class EnrolmentAdmin(WithinReachAdmin):
    list_display = ["participant", "cohort", "status", "coach"]
    list_select_related = ["participant", "cohort__program", "coach"]
    list_filter = ["status"]
    # Outcomes change on the participant page (with a reason) and when grades close.
    readonly_fields = ["status"]
    # Typed ids, not a list of every participant and mentor of every agency; the lookup
    # opens their admin lists, which keep staff to their agencies.
    raw_id_fields = ["participant", "mentor"]
