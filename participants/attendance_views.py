"""Staff pages of a cohort's attendance recap: who crosses the program's attendance rules
(participants.attendance), the whole recap page by page, and the recap as XLSX.

The XLSX is made in the request, not by a report job: one aggregate query and a row per
participant (a cohort of a few hundred is a few kilobytes, well under a second)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from cohorts.services import organiser_closed_days, phase_days
from config.audit import export_record
from config.pagination import page_of
from config.permissions import can_manage_cohorts, rule_required
from curriculum.models import PhaseMode

from .attendance import AttendanceRule, attendance_recap, attendance_rows, attendance_warnings
from .tables import export_title, table_response

RECAP_HEADER = ["No", "NIP", "Nama Lengkap dan Gelar", "Instansi", "Status Peserta", "Hadir",
                "Izin/Sakit", "Alpa", "Hari Tercatat", "Kehadiran (%)",
                "Melewati Batas"]  # fmt: skip


def crossed_label(enrolment, rule):
    """The rules an attendance_rows row crosses, in words (the XLSX's last column)."""
    labels = []
    if "absences" in enrolment.crossed:
        labels.append(_("alpa lebih dari %(max)s hari") % {"max": rule.max_unexcused_absences})
    if "percent" in enrolment.crossed:
        labels.append(_("kehadiran di bawah %(min)s%%") % {"min": rule.min_percent})
    return "; ".join(labels)


def _cohort(request, cohort_pk):
    return cohort_or_404(
        request.user,
        cohort_pk,
        Cohort.objects.select_related("program", "organiser", "co_organiser"),
    )


@rule_required(can_manage_cohorts)
def attendance_recap_page(request, cohort_pk):
    """The cohort's attendance recap, 50 by page; `?melewati=1` those who cross a rule only.
    Below it, each campus day's empty sign-in sheet."""
    cohort = _cohort(request, cohort_pk)
    crossing = request.GET.get("melewati") == "1"
    recap = attendance_warnings(cohort) if crossing else attendance_recap(cohort)
    page = page_of(request, recap)
    page.object_list = attendance_rows(page.object_list)
    # Each campus day, for its empty sign-in sheet (printed before the day): the campus phases
    # and the organiser's closed days, two queries.
    closed = organiser_closed_days(cohort.organiser)
    campus_days = [
        (phase, phase_days(phase, closed))
        for phase in cohort.phases.filter(mode=PhaseMode.CAMPUS).order_by("order")
    ]
    return render(
        request,
        "participants/attendance_recap.html",
        {
            "cohort": cohort,
            "rule": AttendanceRule.of(cohort.program),
            "page": page,
            "query": page.query,
            "crossing": crossing,
            "campus_days": campus_days,
        },
    )


@rule_required(can_manage_cohorts)
def attendance_recap_export(request, cohort_pk):
    """The recap as XLSX: one row per participant, the counts, the percentage and the rules
    crossed (withdrawn participants listed with their status, never flagged)."""
    cohort = _cohort(request, cohort_pk)
    rule = AttendanceRule.of(cohort.program)
    rows = []
    for number, e in enumerate(attendance_rows(attendance_recap(cohort)), start=1):
        withdrawn = e.status == e.Status.WITHDRAWN
        rows.append(
            [
                number,
                e.participant.nip_display,
                e.participant.name,
                e.participant.agency.name,
                e.get_status_display(),
                e.present,
                e.leave,
                e.absent,
                e.recorded,
                float(e.percent) if e.percent is not None else "",
                "" if withdrawn else crossed_label(e, rule),
            ]
        )
    title = [
        *export_title(_("Rekap presensi"), cohort),
        _("Aturan: alpa paling banyak %(max)s hari; kehadiran paling sedikit %(min)s%%")
        % {"max": rule.max_unexcused_absences, "min": rule.min_percent},
    ]
    response = table_response(
        f"presensi-{cohort.program.code}-{cohort.angkatan}",
        "xlsx",
        RECAP_HEADER,
        rows,
        title=title,
    )
    export_record(request, cohort, f"Rekap presensi (XLSX, {len(rows)} baris)")
    return response
