"""Pages of the komitmen bersama documents (issue 18): staff upload each participant's signed
commitment on the cohort's list; the participant sees their own."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.downloads import stored_file_response
from config.pagination import page_of
from config.permissions import (
    can_manage_cohorts,
    is_participant,
    object_checked_in_view,
    rule_required,
)

from .commitment_models import CommitmentDocument
from .commitments import commitment_store
from .models import Enrolment

PER_PAGE = 50


def _list(request, cohort, errors=None, status=200):
    # One query for the page's enrolments with their participant and document.
    enrolments = (
        cohort.enrolments.select_related("participant", "commitment")
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("participant__name", "pk")
    )
    page = page_of(request, enrolments, per_page=PER_PAGE)
    return render(
        request,
        "participants/commitments.html",
        {"cohort": cohort, "page": page, "errors": errors or {}},
        status=status,
    )


@rule_required(can_manage_cohorts)
def commitments_page(request, cohort_pk):
    """The cohort's participants with their signed commitment, each with an upload."""
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    return _list(request, cohort)


@require_POST
@rule_required(can_manage_cohorts)
def commitment_upload(request, cohort_pk, pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    enrolment = get_object_or_404(cohort.enrolments.select_related("participant"), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        errors = {enrolment.pk: _("Pilih berkas komitmen %(name)s.") % {
            "name": enrolment.participant.name}}  # fmt: skip
        return _list(request, cohort, errors, status=400)
    try:
        commitment_store(enrolment=enrolment, upload=upload, uploaded_by=request.user)
    except ValidationError as error:
        return _list(request, cohort, {enrolment.pk: " ".join(error.messages)}, status=400)
    messages.success(
        request,
        _("Dokumen komitmen %(name)s tersimpan.") % {"name": enrolment.participant.name},
    )
    url = reverse("participants:commitments", args=[cohort.pk])
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


def _document_for(user, pk):
    """The document, for staff working on its cohort (another agency's is not found) or for
    its own participant; anyone else is refused."""
    document = get_object_or_404(
        CommitmentDocument.objects.select_related("enrolment__participant", "enrolment__cohort"),
        pk=pk,
    )
    enrolment = document.enrolment
    if can_manage_cohorts(user):
        cohort_or_404(user, enrolment.cohort_id)
        return document
    if is_participant(user) and enrolment.participant.user_id == user.pk:
        return document
    raise PermissionDenied


@rule_required(object_checked_in_view)
def commitment_download(request, pk):
    document = _document_for(request.user, pk)
    extension = document.file.name.rsplit(".", 1)[-1]
    return stored_file_response(
        document.file, f"komitmen-{document.enrolment.participant.nip}.{extension}"
    )


@rule_required(is_participant)
def my_commitments(request):
    """The participant's own signed commitments, one per cohort that has one."""
    documents = CommitmentDocument.objects.filter(
        enrolment__participant=request.user.participant
    ).select_related("enrolment__cohort__program")
    return render(request, "participants/my_commitments.html", {"documents": documents})
