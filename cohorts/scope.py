"""Which cohorts a staff account works on: those its institutions organise or co-organise.

Every staff page loads its objects through these reads, so an object of another agency is
simply not found (404), exactly like an object that does not exist: a page never tells staff
of one agency what another agency has. Administrators cover every institution.

The institutions are read in a subquery of the page's own query, so scoping costs no query.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from config.permissions import covers_every_institution

from .models import Cohort, Institution, Speaker

MEMBERSHIP = Institution.staff.through


def institution_ids_of(user):
    """The institutions a staff account belongs to, as a subquery."""
    return MEMBERSHIP.objects.filter(user_id=user.pk).values("institution_id")


def within_reach(queryset, user, cohort="cohort"):
    """The rows of `queryset` whose cohort (reached by the lookup `cohort`, "" for cohorts
    themselves) the user works on. A lookup through a to-many relation may repeat rows: the
    caller adds distinct() or uses an Exists."""
    if covers_every_institution(user):
        return queryset
    return queryset.filter(_organised_by(institution_ids_of(user), cohort))


def within_institution(queryset, institution_id, cohort="cohort"):
    """The rows of `queryset` whose cohort one institution organises or co-organises: the
    reach of an API key (cohorts.api_keys), which belongs to one institution."""
    return queryset.filter(_organised_by([institution_id], cohort))


def _organised_by(institutions, cohort):
    prefix = f"{cohort}__" if cohort else ""
    return Q(**{f"{prefix}organiser_id__in": institutions}) | Q(
        **{f"{prefix}co_organiser_id__in": institutions}
    )


def cohorts_within_reach(user, queryset=None):
    return within_reach(Cohort.objects.all() if queryset is None else queryset, user, cohort="")


def cohort_or_404(user, pk, queryset=None):
    """The cohort, if the user works on it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(cohorts_within_reach(user, queryset), pk=pk)


def institutions_within_reach(user, queryset=None):
    """The institutions whose own pages (non-working days, numbering, certificate look) the
    user may open: their own agencies; every one for administrators."""
    queryset = Institution.objects.all() if queryset is None else queryset
    if covers_every_institution(user):
        return queryset
    return queryset.filter(pk__in=institution_ids_of(user))


def institution_or_404(user, pk, queryset=None):
    return get_object_or_404(institutions_within_reach(user, queryset), pk=pk)


def speakers_within_reach(user, queryset=None):
    """The outside speakers in the registers of the user's own agencies; every register for
    administrators."""
    queryset = Speaker.objects.all() if queryset is None else queryset
    if covers_every_institution(user):
        return queryset
    return queryset.filter(institution_id__in=institution_ids_of(user))


def speaker_or_404(user, pk, queryset=None):
    return get_object_or_404(speakers_within_reach(user, queryset), pk=pk)


def organisers_for(user):
    """The training agencies a user may create a cohort for."""
    return institutions_within_reach(
        user, Institution.objects.filter(kind=Institution.Kind.TRAINING_AGENCY)
    )


def works_on(user, cohort):
    """Whether a staff account works on this cohort (one query; administrators none)."""
    if covers_every_institution(user):
        return True
    return MEMBERSHIP.objects.filter(
        user_id=user.pk,
        institution_id__in=[i for i in (cohort.organiser_id, cohort.co_organiser_id) if i],
    ).exists()


def works_for_organiser(user, cohort):
    """Whether the user may open the organiser's own pages from this cohort (its numbering
    and certificate look): a co-organiser's staff may not. No query unless co-organised."""
    if covers_every_institution(user) or cohort.co_organiser_id is None:
        return True
    return MEMBERSHIP.objects.filter(user_id=user.pk, institution_id=cohort.organiser_id).exists()


def refuse(user, staff_rule):
    """For an object a user may not open: staff (by `staff_rule`) get 404, as for an object
    that does not exist (another agency's); everyone else 403."""
    if staff_rule(user):
        raise Http404
    raise PermissionDenied
