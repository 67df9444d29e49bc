"""One mechanism for permissions: a predicate per rule, a decorator that checks it.

Views declare their rule with `@rule_required(predicate)`; a view whose rule depends on the
object declares `@rule_required(object_checked_in_view)` and calls
`deny_unless(predicate(user, obj))` once the object is loaded. Both raise PermissionDenied
(403).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import MENTOR, PARTICIPANT, user_roles


def rule_required(predicate):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
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


def can_view_schedule(user, cohort):
    """Staff see every cohort's schedule; a widyaiswara those they coach or teach in."""
    if can_manage_cohorts(user):
        return True
    return is_widyaiswara(user) and (
        cohort.enrolments.filter(coach=user).exists()
        or cohort.phases.filter(sessions__widyaiswara=user).exists()
    )


def can_score(user, project):
    """A widyaiswara scores only the projects of the participants they coach."""
    return is_widyaiswara(user) and project.enrolment.coach_id == user.pk


def can_download_certificate(user, certificate):
    return can_issue_certificates(user) or (certificate.enrolment.participant.user_id == user.pk)
