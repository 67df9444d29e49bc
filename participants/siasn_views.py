"""Cek SIASN: staff compare a NIP's data in Angkatan with SIASN's and accept SIASN's values."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.integrations.base import IntegrationError
from config.integrations.siasn import NotFound
from config.permissions import can_manage_cohorts, rule_required

from .models import Participant
from .nip import nip_normalize, validate_nip
from .siasn import (
    ACCEPTABLE,
    ERROR_NOT_ENROLLED,
    ERROR_NOTHING_CHOSEN,
    participant_siasn_accept,
    position_level_of,
    siasn_check,
    unit_institution,
)


class SiasnNipForm(forms.Form):
    nip = forms.CharField(
        label=gettext_lazy("NIP"),
        max_length=30,
        help_text=gettext_lazy("18 angka; spasi boleh"),
    )

    def clean_nip(self):
        nip = nip_normalize(self.cleaned_data["nip"])
        validate_nip(nip)
        return nip


def _enrolled(cohort, nip):
    """The participant with this NIP if enrolled in this cohort: only then does the page show
    Angkatan's values (a record shared with another agency's cohort stays theirs)."""
    return (
        Participant.objects.select_related("agency")
        .filter(nip=nip, enrolments__cohort=cohort)
        .first()
    )


def _enrol_prefill(cohort, check):
    """The enrolment form's address, filled with SIASN's values."""
    values = {"nip": check.person.nip, "name": check.person.name,
              "position": check.person.position}  # fmt: skip
    rows = {row.key: row for row in check.rows}
    if rows["rank"].theirs and check.person.rank:
        values["rank"] = check.person.rank
    level = position_level_of(check.person)
    if level:
        values["position_level"] = level
    unit = unit_institution(check.person)
    if unit is not None:
        values["agency"] = unit.pk
    return reverse("participants:enrol", args=[cohort.pk]) + "?" + urlencode(values)


@rule_required(can_manage_cohorts)
def siasn_check_page(request, cohort_pk):
    """GET ?nip=: the comparison; POST: accept the chosen SIASN values (read again from SIASN,
    never from the form) into the enrolled participant."""
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    data = request.POST if request.method == "POST" else request.GET
    form = SiasnNipForm(data if "nip" in data else None)
    context = {"cohort": cohort, "form": form, "check": None, "error": ""}
    if not form.is_valid():
        return render(request, "participants/siasn_check.html", context)
    nip = form.cleaned_data["nip"]
    participant = _enrolled(cohort, nip)
    try:
        check = siasn_check(nip=nip, program=cohort.program, participant=participant)
    except NotFound as error:
        form.add_error("nip", str(error))
        return render(request, "participants/siasn_check.html", context)
    except IntegrationError as error:
        context["error"] = str(error)
        return render(request, "participants/siasn_check.html", context, status=503)
    if request.method == "POST":
        chosen = [f for f in request.POST.getlist("terima") if f in ACCEPTABLE]
        allowed = {row.key for row in check.rows if row.acceptable}
        try:
            if participant is None:
                raise ValueError(str(ERROR_NOT_ENROLLED))
            if not chosen:
                raise ValueError(str(ERROR_NOTHING_CHOSEN))
            changed = participant_siasn_accept(
                participant=participant, person=check.person,
                fields=[f for f in chosen if f in allowed], actor=request.user,
            )  # fmt: skip
        except (ValueError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("%(count)s data dari SIASN diterima untuk %(name)s.")
                % {"count": len(changed), "name": participant.name},
            )
        url = reverse("participants:siasn_check", args=[cohort.pk])
        return redirect(url + "?" + urlencode({"nip": nip}))
    context.update(
        check=check,
        participant=participant,
        enrol_url=None if participant else _enrol_prefill(cohort, check),
    )
    return render(request, "participants/siasn_check.html", context)
