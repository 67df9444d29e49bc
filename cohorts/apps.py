from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_ensure(**kwargs):
    # Imported when called: config.roles uses the auth models, which cannot load while the
    # app registry is still being filled (apps.py is imported first).
    from config.roles import roles_ensure

    roles_ensure()


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Angkatan")

    def ready(self):
        # Runs after each app's permissions exist; the groups are complete after the last app.
        post_migrate.connect(_roles_ensure, dispatch_uid="angkatan_roles_ensure")
