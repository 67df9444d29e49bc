"""One mechanism for permissions: a predicate per rule, a decorator that checks it.

Views declare their rule with `@rule_required(predicate)`; a view whose rule depends on the
object declares `@rule_required(object_checked_in_view)` and calls
`deny_unless(predicate(user, obj))` once the object is loaded. Both raise PermissionDenied
(403).

Two-factor login (config.two_factor): a signed-in user with a confirmed authenticator who has
not entered its code in this session is sent to the code step before any rule is checked;
with TWO_FACTOR_REQUIRED_FOR_CERTIFICATES on, a user who may issue certificates and has no
authenticator is sent to set one up instead of the certificate pages.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .roles import ADMINISTRATOR, MENTOR, PARTICIPANT, STAFF, user_roles

# Whether the signed-in user has a confirmed authenticator (two-factor login,
# config.two_factor), as [user id, bool]: read at login, when the session is written anyway,
# and kept by the set-up and turn-off pages, so pages cost no extra query.
TWO_FACTOR_SESSION_KEY = "two_factor_device"


def remember_device(request, found, user=None):
    user = user or request.user
    request.session[TWO_FACTOR_SESSION_KEY] = [user.pk, bool(found)]


def device_remembered_at_login(sender, request, user, **kwargs):
    """On user_logged_in (connected in config.two_factor.two_factor_register)."""
    if request is not None and hasattr(request, "session"):
        remember_device(request, user_has_device(user, confirmed=True), user=user)


def has_confirmed_device(request):
    """Read from the session (remembered at login), so a page costs no query."""
    cached = request.session.get(TWO_FACTOR_SESSION_KEY)
    if cached and cached[0] == request.user.pk:
        return cached[1]
    found = user_has_device(request.user, confirmed=True)
    remember_device(request, found)
    return found


def awaits_code(request):
    """Signed in with the password, has an authenticator, has not entered its code yet."""
    return not request.user.is_verified() and has_confirmed_device(request)


def _with_next(name, request):
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


def rule_required(predicate, *, before_code=False):
    """before_code: the view opens before the second step (the code step itself)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not before_code and awaits_code(request):
                return redirect(_with_next("two_factor_verify", request))
            if not predicate(request.user):
                raise PermissionDenied
            if (
                getattr(predicate, "second_factor_required", False)
                and settings.TWO_FACTOR_REQUIRED_FOR_CERTIFICATES
                and not has_confirmed_device(request)
            ):
                return redirect(_with_next("two_factor_setup", request))
            return view(request, *args, **kwargs)

        wrapped.rule = predicate
        return wrapped

    return decorator


def public(reason):
    """Mark a view as open to anyone, with the reason; every other view declares a rule."""

    def decorator(view):
        view.public = reason
        return view

    return decorator


def deny_unless(allowed):
    """Refuse (403) unless the object rule the view just checked allows it."""
    if not allowed:
        raise PermissionDenied


def any_signed_in_user(user):
    """Pages for whoever is signed in, whatever their role (the home redirect)."""
    return True


def object_checked_in_view(user):
    """Any signed-in user may ask; the view then loads the object and checks its rule with
    deny_unless (a participant's own project, a coach's projects)."""
    return True


def can_use_two_factor(user):
    """Staff, administrators and whoever may issue certificates turn two-factor login on."""
    return bool({STAFF, ADMINISTRATOR} & user_roles(user)) or can_issue_certificates(user)


def covers_every_institution(user):
    """Administrators work across the whole deployment; staff only within the institutions
    they belong to (cohorts.scope)."""
    return user.has_perm("cohorts.cover_every_institution")


def can_manage_cohorts(user):
    return user.has_perm("cohorts.change_cohort")


def can_edit_programs(user):
    return user.has_perm("curriculum.change_program")


def can_edit_eligibility(user):
    """Administrators set who may join a program."""
    return user.has_perm("curriculum.change_eligibilitypolicy")


def can_view_participant(user, participant):
    """Staff see every participant; a participant only themselves."""
    return can_manage_cohorts(user) or (participant.user_id == user.pk and is_participant(user))


def second_factor_when_required(predicate):
    """Mark a rule whose pages TWO_FACTOR_REQUIRED_FOR_CERTIFICATES keeps to users with an
    authenticator (rule_required sends the others to set one up)."""
    predicate.second_factor_required = True
    return predicate


@second_factor_when_required
def can_issue_certificates(user):
    return user.has_perm("documents.issue_certificates")


def can_view_documents(user):
    return user.has_perm("documents.view_documents")


def can_view_audit_log(user):
    """Administrators read, search and export the audit log; staff do not."""
    return user.has_perm("auditlog.view_logentry")


def is_widyaiswara(user):
    return user.has_perm("projects.score_changeproject")


def is_participant(user):
    """A signed-in participant: the role, and a participant record to show."""
    return PARTICIPANT in user_roles(user) and hasattr(user, "participant")


def is_mentor(user):
    return MENTOR in user_roles(user) and hasattr(user, "mentor")


def teaches_in(user, cohort):
    """A widyaiswara sees the schedule of the cohorts they coach or teach in (staff see their
    agencies' cohorts, cohorts.scope)."""
    return is_widyaiswara(user) and (
        cohort.enrolments.filter(coach=user).exists()
        or cohort.phases.filter(sessions__widyaiswara=user).exists()
    )


def can_score(user, project):
    """A widyaiswara scores only the projects of the participants they coach."""
    return is_widyaiswara(user) and project.enrolment.coach_id == user.pk


def can_download_certificate(user, certificate):
    return can_issue_certificates(user) or (certificate.enrolment.participant.user_id == user.pk)
