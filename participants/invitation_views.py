"""Staff pages that bring participants and mentors to their accounts: who has activated
(set a password), an e-mail invitation for everyone still waiting, and WhatsApp links staff
click one by one (https://wa.me/…, carrying the set-password link)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.pagination import page_of
from config.permissions import can_manage_cohorts, rule_required

from .accounts import invitations_to_inactive, mentor_account_ensure
from .forms import InvitationFilterForm, MentorContactForm
from .invitations import (
    invitation_whatsapp_link,
    invitation_whatsapp_possible,
    mentor_invitation_send,
)
from .models import Enrolment, Mentor, Participant
from .selectors import (
    invitation_counts,
    invitation_links_waiting,
    invitation_mentors,
    invitation_participants,
)
from .services import mentor_contact_set

# Each WhatsApp link is a short address of ours (whatsapp_participant, whatsapp_mentor) that
# makes the message and its set-password token when clicked: half a page of them beside the
# two lists of people below.
LINKS_PER_PAGE = 25


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
    search = InvitationFilterForm(request.GET or None)
    filters = search.filters()
    # Four lists, each one page at a time with its own page parameter: the WhatsApp links
    # still to send to participants and to mentors, the participants (searched, filtered by
    # account), and the mentors.
    # Every list's length and who waits, counted in one aggregate rather than a COUNT per list.
    counts = invitation_counts(cohort)
    waiting = invitation_links_waiting(cohort)
    links = page_of(
        request,
        waiting["participants"],
        param="tautan",
        per_page=LINKS_PER_PAGE,
        count=counts["participant_links"],
    )
    mentor_links = page_of(
        request,
        waiting["mentors"],
        param="tautan_mentor",
        per_page=LINKS_PER_PAGE,
        count=counts["mentor_links"],
    )
    searched = filters["q"] or filters.get("akun")
    participants = page_of(
        request,
        invitation_participants(cohort, query=filters["q"], account=filters.get("akun")),
        count=None if searched else counts["participants"],
    )
    mentors = page_of(request, invitation_mentors(cohort), param="mentor", count=counts["mentors"])
    # The page links to our short address; the message and its set-password token are made
    # only for the person clicked. Here only whether WhatsApp knows the number.
    for person in [*links, *participants]:
        person.whatsapp = _whatsapp_url(cohort, person, "participants:whatsapp_participant")
    for person in [*mentor_links, *mentors]:
        person.whatsapp = _whatsapp_url(cohort, person, "participants:whatsapp_mentor")
    for mentor in mentors:
        mentor.mentees = [e.participant for e in mentor.cohort_mentees]
        mentor.contact_form = MentorContactForm(
            initial={"email": mentor.email, "phone": mentor.phone}, prefix=f"m{mentor.pk}"
        )
    return render(
        request,
        "participants/cohort_invitations.html",
        {
            "cohort": cohort,
            "search": search,
            "participants": participants,
            "participants_page": participants,
            "query": participants.query,
            "mentors": mentors,
            "mentors_query": mentors.query,
            "waiting": counts["waiting"],
            "waiting_links": links,
            "mentor_links": mentor_links,
        },
    )


def _whatsapp_url(cohort, person, name):
    if not invitation_whatsapp_possible(person=person, shared=_shared(person)):
        return None
    return reverse(name, args=[cohort.pk, person.pk])


def _whatsapp_redirect(request, cohort, person, shared=None):
    """To wa.me with the person's invitation written, or back to the invitations page with
    why not (no account of their own, or a number WhatsApp does not know)."""
    link = invitation_whatsapp_link(person=person, shared=shared)
    if link is None:
        messages.error(
            request,
            _("Tautan WhatsApp untuk %(name)s tidak dapat dibuat: %(phone)s bukan nomor "
              "WhatsApp yang dikenali, atau ia belum memiliki akun sendiri.")
            % {"name": person.name, "phone": person.phone or "—"},
        )  # fmt: skip
        return redirect("participants:cohort_invitations", cohort_pk=cohort.pk)
    return HttpResponseRedirect(link)


@rule_required(can_manage_cohorts)
def whatsapp_participant(request, cohort_pk, pk):
    """One participant's WhatsApp invitation, made when staff click it on the page."""
    cohort = cohort_or_404(request.user, cohort_pk)
    participant = get_object_or_404(
        Participant.objects.filter(
            pk__in=Enrolment.objects.filter(cohort=cohort)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .values("participant_id")
        ).select_related("user"),
        pk=pk,
    )
    return _whatsapp_redirect(request, cohort, participant)


@rule_required(can_manage_cohorts)
def whatsapp_mentor(request, cohort_pk, pk):
    """One mentor's WhatsApp invitation (not for a login that is a participant's)."""
    cohort, mentor = _cohort_mentor(request, cohort_pk, pk)
    return _whatsapp_redirect(request, cohort, mentor)


def _shared(person):
    """invitations._reachable's `shared`, from what the page's query read: a mentor whose
    login is a participant's is reached only as that participant."""
    return {person.user_id} if getattr(person, "shares_login", False) else set()


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
