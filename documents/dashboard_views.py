"""The head's dashboard (documents.dashboard): an institution's year on one page, and the same
figures as a PDF for the head's monthly report. Staff open their own institutions'
dashboards, administrators every one; another agency's is not found (cohorts.scope)."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import Institution
from cohorts.scope import institution_or_404, institutions_within_reach
from config.audit import export_record
from config.permissions import can_manage_cohorts, covers_every_institution, rule_required

from .charts import bar_chart
from .dashboard import dashboard_default_year, dashboard_of, dashboard_years
from .pdf import report_pdf

ERROR_YEAR = gettext_lazy("Tahun harus antara 2000 dan 2100.")


def dashboard_institutions(user):
    """The institutions offered in the chooser: a staff account's own; for administrators,
    every training agency (a participant's OPD has no dashboard of its own)."""
    queryset = Institution.objects.order_by("name")
    if covers_every_institution(user):
        queryset = queryset.filter(kind=Institution.Kind.TRAINING_AGENCY)
    return institutions_within_reach(user, queryset)


class DashboardChoiceForm(forms.Form):
    """Which institution and year, chosen by GET (a link to a dashboard can be kept)."""

    instansi = forms.ModelChoiceField(
        label=gettext_lazy("Lembaga"), queryset=Institution.objects.none(), required=False
    )
    tahun = forms.IntegerField(
        label=gettext_lazy("Tahun"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": ERROR_YEAR, "min_value": ERROR_YEAR, "max_value": ERROR_YEAR},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instansi"].queryset = dashboard_institutions(user)


def _year_chosen(form, institution):
    """The year asked for in `tahun`; when none is asked, the institution's latest year with
    a cohort, not after this one (dashboard_default_year); this year (and the form's error)
    when it is not a sensible year."""
    current = timezone.localdate().year
    if not form.is_valid():
        return current
    return form.cleaned_data.get("tahun") or dashboard_default_year(institution, current)


def _dashboard_url(institution_pk, year):
    return f"{reverse('documents:dashboard', args=[institution_pk])}?{urlencode({'tahun': year})}"


@rule_required(can_manage_cohorts)
def dashboard_choose(request):
    """The navigation's link and the chooser's answer: on to the chosen institution's
    dashboard for the chosen year (by default the first of one's institutions, its latest
    year with a cohort)."""
    form = DashboardChoiceForm(request.GET, user=request.user)
    if "instansi" in form.errors:
        raise Http404  # another agency's, as if it did not exist (cohorts.scope)
    institution = form.cleaned_data.get("instansi")
    if institution is None:
        institution = form.fields["instansi"].queryset.first()
    if institution is None:
        return render(request, "documents/dashboard.html", {"dashboard": None, "form": form})
    return redirect(_dashboard_url(institution.pk, _year_chosen(form, institution)))


def _dashboard_charts(dashboard):
    results = dashboard.results
    return {
        "programs": bar_chart(
            key="chart-programs",
            title=_("Peserta per program"),
            description=_("Jumlah peserta angkatan tahun %(year)s menurut program.")
            % {"year": dashboard.year},
            rows=dashboard.by_program,
        ),
        "agencies": bar_chart(
            key="chart-agencies",
            title=_("Peserta per instansi"),
            description=_("Jumlah peserta menurut instansi (OPD) pengirim, sepuluh terbanyak."),
            rows=dashboard.by_agency,
        ),
        "predicates": bar_chart(
            key="chart-predicates",
            title=_("Sebaran predikat"),
            description=_(
                "Jumlah peserta angkatan yang sudah selesai menurut predikat nilai akhir."
            ),
            rows=results.predicates,
            colour_each=True,
        ),
        "jp": bar_chart(
            key="chart-jp",
            title=_("JP per widyaiswara dan narasumber"),
            description=_("Jam pelajaran yang sudah diberikan sampai hari ini, sepuluh terbanyak."),
            rows=dashboard.jp_by_teacher,
        ),
    }


def _dashboard_context(request, pk):
    institution = institution_or_404(request.user, pk)
    form = DashboardChoiceForm(request.GET, user=request.user)
    year = _year_chosen(form, institution)
    today = timezone.localdate()
    dashboard = dashboard_of(institution=institution, year=year, today=today)
    return {
        "dashboard": dashboard,
        "charts": _dashboard_charts(dashboard),
        "form": form,
        "institutions": form.fields["instansi"].queryset,
        "years": dashboard_years(institution, today.year),
    }


@rule_required(can_manage_cohorts)
def dashboard(request, pk):
    """An institution's year: its cohorts, participants by program and agency, results, JP
    by teacher, each chart with its figures in a table."""
    return render(request, "documents/dashboard.html", _dashboard_context(request, pk))


@rule_required(can_manage_cohorts)
def dashboard_pdf(request, pk):
    """The same figures and charts as a PDF for the head's monthly report, made in the
    request: a few pages from a fixed number of queries, a second or two of WeasyPrint."""
    context = _dashboard_context(request, pk)
    dashboard = context["dashboard"]
    institution = dashboard.institution
    # pdf_base's signature block is the organiser's head: here the institution's own.
    pdf = report_pdf(
        "documents/dashboard_pdf.html", {**context, "cohort": {"organiser": institution}}
    )
    export_record(request, institution, f"Dasbor pimpinan {dashboard.year} (PDF)")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"dasbor-{institution.code}-{dashboard.year}-{dashboard.today:%Y-%m}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
