from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Proyek perubahan")

    def ready(self):
        # Imported here: modules with models load only once the app registry is ready.
        from participants.services import enrolment_follow_up_register

        from .workflow import projects_start

        # Every enrolment carries a change project from the day it is made.
        enrolment_follow_up_register(projects_start)
