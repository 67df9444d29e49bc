from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _cache_table_ensure(using="default", **kwargs):
    # The verification pages' rate limit counts in the cache; without Redis that is a database
    # table, made here after every migrate so no deployment step can forget it (a no-op when
    # the cache is Redis or the table exists).
    call_command("createcachetable", database=using, verbosity=0)


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Dokumen dan sertifikat")

    def ready(self):
        post_migrate.connect(_cache_table_ensure, sender=self, dispatch_uid="cache_table_ensure")
        # The audit log (config.audit): numbering, a certificate's revoking and reissuing, a
        # request to issue a cohort's certificates. Not the rendered PDF files, which the
        # workers write, nor what never changes (the entry names the certificate).
        from auditlog.registry import auditlog

        auditlog.register(self.get_model("NumberingPattern"))
        auditlog.register(
            self.get_model("Certificate"),
            exclude_fields=["enrolment", "verification_id", "check_code", "pdf", "rendered_at"],
        )
        auditlog.register(
            self.get_model("CertificateBatch"), include_fields=["cohort", "requested_by", "status"]
        )
