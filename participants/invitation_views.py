"""Staff pages that bring participants and mentors to their accounts: who has activated
(set a password), an e-mail invitation for everyone still waiting, and WhatsApp links staff
click one by one (https://wa.me/…, carrying the set-password link)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.permissions import can_manage_cohorts, rule_required

from .accounts import invitations_to_inactive, mentor_account_ensure
from .forms import MentorContactForm
from .invitations import (
    invitation_whatsapp_link,
    logins_shared_with_participants,
    mentor_invitation_send,
)
from .models import Mentor
from .selectors import cohort_accounts
from .services import mentor_contact_set


@rule_required(can_manage_cohorts)
def cohort_invitations(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    if request.method == "POST":
        result = invitations_to_inactive(cohort=cohort)
        messages.success(
            request,
            _(
                "%(emailed)s undangan dikirim lewat surel. %(without_email)s orang yang belum "
                "aktif tidak memiliki surel: kirim tautan WhatsApp-nya di bawah."
            )
            % result,
        )
        return redirect("participants:cohort_invitations", cohort_pk=cohort.pk)
    accounts = cohort_accounts(cohort)
    shared = logins_shared_with_participants(accounts["mentors"])
    for person in [*accounts["participants"], *accounts["mentors"]]:
        person.whatsapp = invitation_whatsapp_link(person=person, shared=shared)
        person.shares_login = person.user_id in shared and isinstance(person, Mentor)
    for mentor in accounts["mentors"]:
        mentor.contact_form = MentorContactForm(
            initial={"email": mentor.email, "phone": mentor.phone}, prefix=f"m{mentor.pk}"
        )
    people = [*accounts["participants"], *accounts["mentors"]]
    return render(
        request,
        "participants/cohort_invitations.html",
        {
            "cohort": cohort,
            **accounts,
            "waiting": sum(1 for p in people if not p.active),
            "waiting_links": [p for p in people if not p.active and p.whatsapp],
        },
    )


def _cohort_mentor(request, cohort_pk, pk):
    """A mentor of one of the cohort's participants, in a cohort the staff account works on."""
    cohort = cohort_or_404(request.user, cohort_pk)
    mentor = get_object_or_404(
        Mentor.objects.filter(enrolments__cohort=cohort).select_related("user").distinct(),
        pk=pk,
    )
    return cohort, mentor


@require_POST
@rule_required(can_manage_cohorts)
def mentor_invitation(request, cohort_pk, pk):
    cohort, mentor = _cohort_mentor(request, cohort_pk, pk)
    mentor_account_ensure(mentor=mentor, invite=False)
    if mentor_invitation_send(mentor=mentor):
        messages.success(request, _("Undangan dikirim ke %(email)s.") % {"email": mentor.email})
    else:
        messages.error(
            request,
            _("Undangan surel untuk %(name)s tidak dapat dikirim: surelnya belum diisi.")
            % {"name": mentor.name},
        )
    return redirect("participants:cohort_invitations", cohort_pk=cohort.pk)


@require_POST
@rule_required(can_manage_cohorts)
def mentor_contact(request, cohort_pk, pk):
    cohort, mentor = _cohort_mentor(request, cohort_pk, pk)
    form = MentorContactForm(request.POST, prefix=f"m{mentor.pk}")
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors.values()))
        mentor_contact_set(mentor=mentor, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Kontak %(name)s disimpan.") % {"name": mentor.name})
    return redirect("participants:cohort_invitations", cohort_pk=cohort.pk)
