"""API keys: how an outside system (an LMS, a province's dashboard) is let into the REST API.

An administrator makes a key in the admin site (*Angkatan → Kunci API*) for one institution,
to read or to read and write; the full key is shown once, then only its prefix. The caller
sends it as `Authorization: Api-Key <key>`. A key reaches the cohorts its institution organises
or co-organises (cohorts.scope.within_institution), as that institution's staff do; another
agency's object is not found (404).

Stored: the prefix (to find the key) and the SHA-256 of the whole key. The secret part is 32
random bytes, far beyond guessing, so a slow password hash (Argon2, config.passwords) would
protect nothing more and would cost each request tens of milliseconds; a fast digest still
tells nothing of the key to whoever reads the table (docs/integrations-api.md).
"""

import contextlib
import hashlib
import secrets
from datetime import timedelta

from auditlog.context import auditlog_value, set_extra_data
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from config.api import Refused
from config.audit import client_address

from .models import ApiKey
from .scope import within_institution

KEYWORD = "Api-Key"
ERROR_READ_ONLY = _(
    "Kunci API ini hanya untuk membaca; minta kunci baca-tulis kepada administrator."
)


def _digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_secret_set(api_key):
    """Give an unsaved key its prefix and digest; returns the full key, which exists only in
    this answer: the caller shows it once."""
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():  # 4 billion prefixes: rarely runs
        prefix = secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    api_key.prefix, api_key.hashed_key = prefix, _digest(key)
    return key


def api_key_create(*, name, institution, access, created_by):
    """A new key; returns (the ApiKey, the full key)."""
    api_key = ApiKey(name=name, institution=institution, access=access, created_by=created_by)
    key = api_key_secret_set(api_key)
    api_key.save()
    return api_key, key


def api_key_revoke(*, api_key):
    """Refuse the key from now on. Kept, not deleted: the audit log and its last use stay."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_find(key):
    """The live key `key` is, or None (unknown, wrong secret, revoked). One query."""
    prefix, dot, _secret = (key or "").partition(".")
    if not dot or not prefix:
        return None
    found = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if found is None or not secrets.compare_digest(found.hashed_key, _digest(key)):
        return None
    return found


def api_key_touch(api_key, now=None):
    """Note the key's use, at most once every API_KEY_TOUCH_SECONDS: a client calling a hundred
    times a minute writes the row once. An update without signals: no audit entry per call."""
    now = now or timezone.now()
    every = timedelta(seconds=settings.API_KEY_TOUCH_SECONDS)
    if api_key.last_used_at is not None and now - api_key.last_used_at < every:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - every)
    ).update(last_used_at=now)
    api_key.last_used_at = now


class ApiKeyClient:
    """Who calls with a key: not a user, so no page's rule and no permission of a person
    applies to it. `request.auth` is the ApiKey."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = is_superuser = False
    pk = id = None

    def __init__(self, api_key):
        self.api_key = api_key

    def __str__(self):
        return str(self.api_key)

    def get_username(self):
        return str(self.api_key)

    def has_perm(self, perm, obj=None):
        return False

    def is_verified(self):
        return False


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`. No header: anonymous (the permission then answers 401);
    a header with an unknown or revoked key: 401 at once."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _space, key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        api_key = api_key_find(key.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed()
        api_key_touch(api_key)
        return ApiKeyClient(api_key), api_key

    def authenticate_header(self, request):
        return KEYWORD  # so that a refusal is 401 with WWW-Authenticate, not 403


class ApiKeyAccess(permissions.BasePermission):
    """A live key; writes only with a read-write key (a read-only key's write is 403)."""

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return False  # DRF answers 401: no key was sent
        if request.method in permissions.SAFE_METHODS or request.auth.writes:
            return True
        raise Refused(ERROR_READ_ONLY)


def within_key(queryset, request, cohort="cohort"):
    """The rows of `queryset` whose cohort the request's key reaches (cohorts.scope)."""
    return within_institution(queryset, request.auth.institution_id, cohort)


def key_user(request):
    """The person answerable for what a key writes: the administrator who made it (kept in
    the histories as `recorded_by`); None once that account is gone."""
    return request.auth.created_by if request.auth.created_by_id else None


@contextlib.contextmanager
def api_write_audited(request):
    """What is written inside is recorded as done by the administrator who made the key: in
    the audit log, with the key's name and prefix and the caller's address (AuditMiddleware saw
    no user: an API call has no session), and in the score and outcome histories
    (simple_history reads the request's user, which is the key's client, not a person)."""
    previous = auditlog_value.get(None)
    django_request = getattr(request, "_request", request)
    client = django_request.user
    django_request.user = key_user(request) or AnonymousUser()
    context = {
        "actor": key_user(request),
        "remote_addr": client_address(request),
        "additional_data": {"api_key": str(request.auth)},
    }
    try:
        with set_extra_data(context_data=context):
            yield
    finally:
        django_request.user = client
        if previous is not None:
            auditlog_value.set(previous)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key in the OpenAPI schema (Swagger UI's *Authorize* asks for it)."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <kunci>`, dibuat administrator di situs admin.",
        }
