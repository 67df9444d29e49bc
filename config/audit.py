"""The audit log (issue 13): who did what, when and from where, kept by django-auditlog.

Saves of the models that matter are recorded by auditlog itself: each app registers its models
in its AppConfig.ready, and AuditMiddleware gives every entry the request's user and address.
What is not a save is recorded here as an ACCESS entry whose `additional_data["event"]` says
what happened: an export, a login, a failed login, a logout (docs/decisions.md, "Audit log").
"""

import ipaddress

from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.module_loading import import_string

EXPORT, LOGIN, LOGIN_FAILED, LOGOUT = "export", "login", "login_failed", "logout"


def client_address(request):
    """The client's whole address, from the header RATELIMIT_IP_META_KEY names behind a proxy,
    else REMOTE_ADDR (as the logins and the rate limit read it); None if it is no address."""
    key = settings.RATELIMIT_IP_META_KEY
    if not key:
        address = request.META.get("REMOTE_ADDR")
    elif callable(key) or "." in key:
        address = (key if callable(key) else import_string(key))(request)
    else:
        address = request.META.get(key)
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware (the request's user and address on every entry), with the address
    read by client_address: auditlog's own believes any X-Forwarded-For a client sends."""

    @staticmethod
    def _get_remote_addr(request):
        return None if settings.AUDITLOG_DISABLE_REMOTE_ADDR else client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return None


def audit_record(request, obj, what, *, event, actor=None):
    """An ACCESS entry: `what` happened to `obj` (a model instance, or None for none), by the
    request's user (or `actor`), from the request's address."""
    if actor is None and request.user.is_authenticated:
        actor = request.user
    fields = {
        "action": LogEntry.Action.ACCESS,
        "changes_text": what,
        "additional_data": {"event": event, "what": what},
        "actor": actor,
        "actor_email": getattr(actor, "email", None),
        "remote_addr": client_address(request),
    }
    if obj is None:
        return LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(LogEntry),
            object_pk="",
            object_repr=what,
            **fields,
        )
    return LogEntry.objects.log_create(obj, force_log=True, **fields)


def export_record(request, obj, what):
    """Record that the request's user downloaded `what` (a roster, a report, certificates)."""
    return audit_record(request, obj, what, event=EXPORT)


def login_recorded(sender, request, user, **kwargs):
    audit_record(request, user, "Masuk", event=LOGIN, actor=user)


def logout_recorded(sender, request, user, **kwargs):
    if user is not None:  # a visitor who was not signed in
        audit_record(request, user, "Keluar", event=LOGOUT, actor=user)


def login_failed_recorded(sender, credentials, request=None, **kwargs):
    """A failed (or refused) login, under the user name typed: the account if there is one."""
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD, ""))[:150]
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    what = f"Gagal masuk: {username}"
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk) if user else "",
        object_id=user.pk if user else None,
        object_repr=username,
        action=LogEntry.Action.ACCESS,
        changes_text=what,
        additional_data={"event": LOGIN_FAILED, "what": what, "username": username},
        remote_addr=client_address(request) if request is not None else None,
    )


def audit_accounts_register():
    """Record role changes (a user's groups, a group's permissions) and every login; called
    once from an AppConfig.ready (cohorts, which also makes the roles)."""
    auditlog.register(
        get_user_model(), exclude_fields=["password", "last_login"], m2m_fields={"groups"}
    )
    auditlog.register(Group, m2m_fields={"permissions"})
    user_logged_in.connect(login_recorded, dispatch_uid="audit_login")
    user_logged_out.connect(logout_recorded, dispatch_uid="audit_logout")
    user_login_failed.connect(login_failed_recorded, dispatch_uid="audit_login_failed")
