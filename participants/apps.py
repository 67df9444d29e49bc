from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Peserta")

    def ready(self):
        # The audit log (config.audit): enrolment changes (the entry names the participant and
        # cohort) and imports. An import's rows and errors stay out of it (thousands of personal
        # records); its file name, status and summary are kept.
        from auditlog.registry import auditlog

        auditlog.register(
            self.get_model("Enrolment"),
            include_fields=["status", "coach", "mentor", "group"],
        )
        auditlog.register(self.get_model("ImportBatch"), exclude_fields=["rows", "errors"])
