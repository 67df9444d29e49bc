from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def program_rubrics_default(sender, instance, created, raw=False, **kwargs):
    # Every new program starts with the default rubrics, so its projects can be scored at
    # once; the agency adjusts them on the program's rubric page.
    if created and not raw:
        from .scoring import rubrics_default

        rubrics_default(instance)


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Proyek perubahan")

    def ready(self):
        post_save.connect(
            program_rubrics_default,
            sender="curriculum.Program",
            dispatch_uid="program_rubrics_default",
        )
