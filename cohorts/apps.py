from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_ensure(**kwargs):
    # Imported when called: config.roles uses the auth models, which cannot load while the
    # app registry is still being filled (apps.py is imported first).
    from auditlog.context import disable_auditlog

    from config.roles import roles_ensure

    # Not in the audit log: the roles' permissions are written in config/roles.py, and their
    # history is the code's. (auditlog's table may not exist yet when an app is migrated alone.)
    with disable_auditlog():
        roles_ensure()


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Angkatan")

    def ready(self):
        # Runs after each app's permissions exist; the groups are complete after the last app.
        post_migrate.connect(_roles_ensure, dispatch_uid="angkatan_roles_ensure")
        # The audit log (config.audit): role changes, logins, and an institution's certificate
        # look (signatory, logo, signature, wording) and who works for it (its staff, who see
        # its cohorts); two-factor login's memory of devices.
        from auditlog.registry import auditlog

        from config.audit import audit_accounts_register
        from config.two_factor import two_factor_register

        audit_accounts_register()
        two_factor_register()
        auditlog.register(self.get_model("Institution"), m2m_fields={"staff"})
        # API keys: who made which key for which institution, and when it was revoked (its
        # digest and its last use, written at most once a minute, stay out).
        auditlog.register(self.get_model("ApiKey"), exclude_fields=["hashed_key", "last_used_at"])
        auditlog.register(self.get_model("Webhook"), exclude_fields=["secret"])
