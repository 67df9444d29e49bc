"""Pages of the widyaiswara ledger (documents.ledger): a widyaiswara's own *catatan mengajar*,
staff's list of the widyaiswara and outside speakers of their agencies with a link to each
one's ledger, and each ledger as XLSX and PDF.

A widyaiswara reads only their own ledger, over every cohort and organiser; staff read the
ledgers of the people who taught or coached in their agencies' cohorts (and of their
registers' speakers), kept to those cohorts; another agency's person is not found (404), as
one who does not exist."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cohorts.scope import cohorts_within_reach, refuse, speaker_or_404
from config.audit import export_record
from config.pagination import ListFilterForm, page_of
from config.permissions import (
    can_manage_cohorts,
    covers_every_institution,
    is_widyaiswara,
    object_checked_in_view,
    rule_required,
)

from .ledger import (
    ledger_default_year,
    ledger_period,
    ledger_speakers_within_reach,
    ledger_widyaiswara_within_reach,
    month_bars,
    teacher_ledger,
)
from .ledger_export import XLSX, ledger_pdf, ledger_xlsx

MINE = ("documents:ledger_mine_xlsx", "documents:ledger_mine_pdf")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LedgerFilterForm(ListFilterForm):
    """The period of a ledger (when left empty, the calendar year of the person's latest
    work, ledger_default_year; this calendar year on staff's list)."""

    mulai = forms.DateField(label=_("Dari tanggal"), required=False, widget=DATE_INPUT)
    sampai = forms.DateField(label=_("Sampai tanggal"), required=False, widget=DATE_INPUT)


def _period(request, **person):
    """The form and the period; `person` (widyaiswara= or speaker=, and cohorts=) gives the
    default year when no date is given (one query)."""
    form = LedgerFilterForm(request.GET or None)
    filters = form.filters()
    start, end = filters.get("mulai"), filters.get("sampai")
    year = ledger_default_year(**person) if person and not (start or end) else None
    start, end = ledger_period(start, end, year=year)
    if not form.is_bound:
        form = LedgerFilterForm(initial={"mulai": start, "sampai": end})
    return form, start, end


def _staff_scope(user):
    """The cohorts staff's figures are kept to; None (every cohort) for administrators."""
    return None if covers_every_institution(user) else cohorts_within_reach(user)


def _widyaiswara_for(request, pk):
    """The widyaiswara whose ledger the request may read, and the cohorts it is kept to:
    oneself over every cohort; staff those of their reach (404 beyond it); others 403."""
    if request.user.pk == pk and is_widyaiswara(request.user):
        return request.user, None
    if not can_manage_cohorts(request.user):
        refuse(request.user, can_manage_cohorts)
    person = get_object_or_404(ledger_widyaiswara_within_reach(request.user), pk=pk)
    return person, _staff_scope(request.user)


def _render(request, ledger, form, *, files, args=(), back=False):
    """The ledger page; `files`: the names of its XLSX and PDF addresses (with `args`), which
    carry the page's period."""
    period = _period_query(request)
    xlsx, pdf = (reverse(name, args=args) + (f"?{period}" if period else "") for name in files)
    return render(
        request,
        "documents/ledger.html",
        {
            "ledger": ledger,
            "chart": month_bars(ledger.months),
            "filter_form": form,
            "xlsx_url": xlsx,
            "pdf_url": pdf,
            "back": back,
        },
    )


def _file(request, ledger, kind, subject):
    """The ledger as a download (`kind` xlsx or pdf), recorded in the audit log."""
    name = f"catatan-mengajar-{slugify(ledger.name)[:60]}-{ledger.start:%Y%m%d}-{ledger.end:%Y%m%d}"
    if kind == "xlsx":
        response = HttpResponse(ledger_xlsx(ledger), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    elif kind == "pdf":
        response = HttpResponse(ledger_pdf(ledger), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    else:
        raise Http404
    export_record(
        request, subject, f"Catatan mengajar {ledger.start}..{ledger.end} ({kind.upper()})"
    )
    return response


@rule_required(is_widyaiswara)
def ledger_mine(request):
    """A widyaiswara's own ledger over the period, across every cohort and organiser."""
    form, start, end = _period(request, widyaiswara=request.user)
    ledger = teacher_ledger(widyaiswara=request.user, start=start, end=end)
    return _render(request, ledger, form, files=MINE)


@rule_required(is_widyaiswara)
def ledger_mine_file(request, kind):
    _form, start, end = _period(request, widyaiswara=request.user)
    ledger = teacher_ledger(widyaiswara=request.user, start=start, end=end)
    return _file(request, ledger, kind, request.user)


@rule_required(object_checked_in_view)
def ledger_widyaiswara(request, pk):
    """A widyaiswara's ledger: their own, or for staff one of their agencies' widyaiswara."""
    person, cohorts = _widyaiswara_for(request, pk)
    form, start, end = _period(request, widyaiswara=person, cohorts=cohorts)
    ledger = teacher_ledger(widyaiswara=person, start=start, end=end, cohorts=cohorts)
    return _render(
        request,
        ledger,
        form,
        files=("documents:ledger_widyaiswara_xlsx", "documents:ledger_widyaiswara_pdf"),
        args=[pk],
        back=can_manage_cohorts(request.user),
    )


@rule_required(object_checked_in_view)
def ledger_widyaiswara_file(request, pk, kind):
    person, cohorts = _widyaiswara_for(request, pk)
    _form, start, end = _period(request, widyaiswara=person, cohorts=cohorts)
    ledger = teacher_ledger(widyaiswara=person, start=start, end=end, cohorts=cohorts)
    return _file(request, ledger, kind, person)


def _speaker_ledger(request, pk):
    speaker = speaker_or_404(request.user, pk)
    cohorts = _staff_scope(request.user)
    form, start, end = _period(request, speaker=speaker, cohorts=cohorts)
    ledger = teacher_ledger(speaker=speaker, start=start, end=end, cohorts=cohorts)
    return speaker, form, ledger


@rule_required(can_manage_cohorts)
def ledger_speaker(request, pk):
    """An outside speaker's ledger, for the staff of the register's agency."""
    _speaker, form, ledger = _speaker_ledger(request, pk)
    return _render(
        request,
        ledger,
        form,
        files=("documents:ledger_speaker_xlsx", "documents:ledger_speaker_pdf"),
        args=[pk],
        back=True,
    )


@rule_required(can_manage_cohorts)
def ledger_speaker_file(request, pk, kind):
    speaker, _form, ledger = _speaker_ledger(request, pk)
    return _file(request, ledger, kind, speaker)


@rule_required(can_manage_cohorts)
def ledger_people(request):
    """Staff's list of the widyaiswara who taught or coached in their agencies' cohorts and of
    their registers' outside speakers, each with the JP of the period and a link to their
    ledger; two lists, each paginated (a count and a page each)."""
    form, start, end = _period(request)
    widyaiswara = page_of(
        request, ledger_widyaiswara_within_reach(request.user, start=start, end=end)
    )
    speakers = page_of(
        request,
        ledger_speakers_within_reach(request.user, start=start, end=end),
        param="halaman_narasumber",
    )
    return render(
        request,
        "documents/ledger_people.html",
        {
            "filter_form": form,
            "widyaiswara": widyaiswara,
            "speakers": speakers,
            "start": start,
            "end": end,
            "period": _period_query(request),
        },
    )


def _period_query(request):
    """The period part of the query string, carried to each ledger's link."""
    kept = request.GET.copy()
    for key in list(kept):
        if key not in ("mulai", "sampai"):
            kept.pop(key)
    return kept.urlencode()
