"""The audit log (issue 13): who did what, when and from where, kept by django-auditlog.

Saves of the models that matter are recorded by auditlog itself: each app registers its models
in its AppConfig.ready, and AuditMiddleware gives every entry the request's user and address.
What is not a save is recorded here as an ACCESS entry whose `additional_data["event"]` says
what happened: an export, a login, a failed login, a logout (docs/decisions.md, "Audit log").
Writes in bulk send no signals; their callers record them with `audit_bulk_record`.
"""

import ipaddress

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, auditlog_value
from auditlog.diff import get_field_value, get_mask_function, is_primitive, track_field
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str
from django.utils.module_loading import import_string

EXPORT, LOGIN, LOGIN_FAILED, LOGOUT = "export", "login", "login_failed", "logout"
PASSWORD_RESET = "password_reset"


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

    def __call__(self, request):
        # auditlog leaves its context set when the request ends (it only disconnects its
        # receiver); put back as it was, so that nothing run after the request in this thread
        # (a worker's job, a test) reads the request's user in audit_bulk_record.
        token = auditlog_value.set({})
        try:
            return super().__call__(request)
        finally:
            auditlog_value.reset(token)


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


FROM_REQUEST = object()


def audit_bulk_record(pairs, *, actor=FROM_REQUEST, remote_addr=FROM_REQUEST, additional_data=None):
    """Record saves made in bulk (bulk_create and bulk_update send no signals) as auditlog
    records a save, in one insert. `pairs` are (old, new) instances of one registered model,
    old None for a creation (an entry with every field set) or a copy taken before the change
    (an entry only if a field its registration tracks changed). Values are written as auditlog
    writes them, a foreign key by name: the related objects should be loaded, or each costs a
    query. The actor and address are the request's (AuditMiddleware sets them) unless given:
    a job has no request. Returns the entries."""
    if not pairs or auditlog_disabled.get():
        return []
    model = type(pairs[0][1])
    if not auditlog.contains(model):
        return []
    context = auditlog_value.get({})
    if actor is FROM_REQUEST:
        actor = context.get("actor")
    if remote_addr is FROM_REQUEST:
        remote_addr = context.get("remote_addr")
    content_type = ContentType.objects.get_for_model(model)
    use_json = settings.AUDITLOG_STORE_JSON_CHANGES
    fields, masked = _audited_fields(model)
    # A creation's "before" is the same for every row: auditlog's value for a missing instance.
    nothing = {field.name: get_field_value(None, field, use_json) for field in fields}
    cid = get_cid()
    entries = []
    for old, new in pairs:
        diff = {}
        for field in fields:
            name = field.name
            before = nothing[name] if old is None else get_field_value(old, field, use_json)
            after = get_field_value(new, field, use_json)
            if before == after:  # auditlog's own test
                continue
            change = _change(before, after, masked.get(name), use_json)
            # A creation's diff also names empty fields ("None" → "None").
            if str(change[0]) != str(change[1]):
                diff[name] = change
        if old is not None and not diff:
            continue
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(new.pk),
                object_id=new.pk if isinstance(new.pk, int) else None,
                object_repr=smart_str(new),
                action=LogEntry.Action.CREATE if old is None else LogEntry.Action.UPDATE,
                changes=diff or None,
                actor=actor,
                actor_email=getattr(actor, "email", None),
                remote_addr=remote_addr,
                cid=cid,
                additional_data=additional_data,
            )
        )
    return LogEntry.objects.bulk_create(entries)


def _audited_fields(model):
    """The fields auditlog's diff would compare for `model`, found once per call rather than
    once per row (model_instance_diff rebuilds the list, reverse relations included, for every
    instance): the model's own columns, less relations to LogEntry, narrowed by its
    registration's include and exclude lists; and the masked ones with their mask."""
    registration = auditlog.get_model_fields(model)
    include, exclude = registration["include_fields"], registration["exclude_fields"]
    fields = [
        field
        for field in model._meta.concrete_fields
        if track_field(field)
        and (not include or field.name in include)
        and field.name not in exclude
    ]
    mask = get_mask_function(registration.get("mask_callable"))
    return fields, {name: mask for name in registration["mask_fields"]}


def _change(before, after, mask, use_json):
    """One field's (before, after) as model_instance_diff writes it."""
    if mask is not None:
        return mask(smart_str(before)), mask(smart_str(after))
    if not use_json:
        return smart_str(before), smart_str(after)
    return (
        before if is_primitive(before) else smart_str(before),
        after if is_primitive(after) else smart_str(after),
    )


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
