"""The LAN report pack of a cohort: one download, as a spreadsheet or a PDF, with what LAN
asks of a finished cohort. The organiser, program, dates and JP; every participant with NIP,
agency, final score, predicate, outcome and STTP number; the attendance recap; each
widyaiswara and speaker with the JP taught; and the evaluation summary when some speaker or
the organiser has been rated by at least five.

Nothing is computed here: final scores come from projects.selectors, attendance from
participants.attendance, evaluations from participants.evaluations (groups of five), the JP
from cohorts.services. Made at once, not by a report job: a cohort has at most a few dozen
participants and the pack reads a fixed number of queries (docs/decisions.md)."""

import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from cohorts.models import ClassSession, Cohort
from cohorts.scope import cohort_or_404
from cohorts.selectors import teachers_jp
from cohorts.services import cohort_total_jp
from config.audit import export_record
from config.permissions import can_manage_cohorts, rule_required
from participants.attendance import attendance_recap, attendance_rows
from participants.evaluations import NOT_ENOUGH, cohort_evaluation
from participants.tables import XLSX, _safe, export_title, table_workbook
from projects.selectors import cohort_finals

from .models import Certificate
from .pdf import report_pdf


@dataclass
class LanPack:
    cohort: Cohort
    total_jp: int
    participants: list  # enrolments with `final` and `sttp` (the valid certificate's number)
    attendance: list  # attendance_rows: enrolments with present, leave, absent, percent
    teachers: list  # TeacherJP, by name
    evaluation: object  # CohortEvaluation, or None when nobody has five answers yet

    @property
    def taught_jp(self):
        return sum(t.jp for t in self.teachers)


def cohort_teachers(cohort):
    """Each widyaiswara and outside speaker of the cohort's sessions with their sessions and
    JP, by name: one query."""
    taught = teachers_jp(ClassSession.objects.filter(phase__cohort=cohort))
    return sorted(taught, key=lambda t: t.name.lower())


def lan_pack(cohort, today):
    """Everything of the pack, read in a fixed number of queries whatever the cohort's size."""
    participants = cohort_finals(cohort)
    for enrolment in participants:
        certificate = getattr(enrolment, "certificate", None)
        valid = certificate is not None and certificate.status == Certificate.Status.VALID
        enrolment.sttp = certificate.number if valid else ""
    evaluation = cohort_evaluation(cohort, today)
    rated = [*evaluation.speakers, evaluation.organiser]
    return LanPack(
        cohort=cohort,
        total_jp=cohort_total_jp(cohort),
        participants=participants,
        attendance=attendance_rows(attendance_recap(cohort)),
        teachers=cohort_teachers(cohort),
        evaluation=evaluation if any(r.shown for r in rated) else None,
    )


def _outcome(enrolment):
    return enrolment.get_status_display()


def _bold_header(sheet):
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def lan_workbook(pack):
    """Sheets: the participants (with the cohort's title block), attendance, teachers, and
    the evaluation summary when there is one."""
    cohort = pack.cohort
    title = [
        *export_title(_("Laporan penyelenggaraan untuk LAN"), cohort),
        _("Tanggal: %(start)s s.d. %(end)s") % {
            "start": cohort.start_date.strftime("%d-%m-%Y"),
            "end": cohort.end_date.strftime("%d-%m-%Y"),
        },
        _("Jumlah JP: %(jp)s") % {"jp": pack.total_jp},
    ]  # fmt: skip
    rows = [
        [number, e.participant.nip_display, _safe(e.participant.name),
         _safe(e.participant.agency.name if e.participant.agency_id else ""),
         e.final.score, str(e.final.predicate or ""), _outcome(e), e.sttp]
        for number, e in enumerate(pack.participants, start=1)
    ]  # fmt: skip
    book = table_workbook(
        ["No", "NIP", _("Nama Lengkap dan Gelar"), _("Instansi"), _("Nilai Akhir"),
         _("Predikat"), _("Hasil"), _("Nomor STTP")],
        rows,
        title=title,
    )  # fmt: skip
    book.active.title = _("Peserta")

    attendance = book.create_sheet(_("Kehadiran"))
    attendance.append(["NIP", _("Nama"), _("Hadir"), _("Izin/sakit"), _("Tanpa keterangan"),
                       _("Hari tercatat"), _("Kehadiran (%)")])  # fmt: skip
    for e in pack.attendance:
        attendance.append([e.participant.nip_display, _safe(e.participant.name), e.present,
                           e.leave, e.absent, e.recorded, e.percent])  # fmt: skip

    teachers = book.create_sheet(_("Pengajar"))
    teachers.append([_("Pengajar"), _("Peran"), _("Sesi"), "JP"])
    for t in pack.teachers:
        teachers.append([_safe(t.name), t.role, t.sessions, t.jp])
    teachers.append([_("Jumlah"), "", sum(t.sessions for t in pack.teachers), pack.taught_jp])

    sheets = [attendance, teachers]
    if pack.evaluation is not None:
        evaluation = book.create_sheet(_("Evaluasi"))
        evaluation.append([_("Pengajar / penyelenggara"), _("Rata-rata"), _("Jawaban")])
        for target in [*pack.evaluation.speakers, pack.evaluation.organiser]:
            average = float(target.average) if target.shown else str(NOT_ENOUGH)
            evaluation.append([_safe(target.teacher.name), average, target.respondents])
        sheets.append(evaluation)
    for sheet in sheets:
        _bold_header(sheet)
    return book


def lan_pdf_bytes(pack):
    return report_pdf("documents/lan_report_pdf.html", {"cohort": pack.cohort, "pack": pack})


def _pack_of(request, cohort_pk):
    cohort = cohort_or_404(
        request.user,
        cohort_pk,
        Cohort.objects.select_related("program", "organiser", "co_organiser", "on_behalf_of"),
    )
    return lan_pack(cohort, timezone.localdate())


def _name(cohort, kind):
    return f"laporan-lan-{cohort.program.code}-{cohort.angkatan}-{cohort.year}.{kind}"


@rule_required(can_manage_cohorts)
def lan_report_xlsx(request, cohort_pk):
    """The cohort's LAN report pack as a spreadsheet, made at once."""
    pack = _pack_of(request, cohort_pk)
    buffer = io.BytesIO()
    lan_workbook(pack).save(buffer)
    export_record(request, pack.cohort, "Laporan LAN (XLSX)")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_name(pack.cohort, "xlsx")}"'
    return response


@rule_required(can_manage_cohorts)
def lan_report_pdf(request, cohort_pk):
    """The cohort's LAN report pack as a PDF signed off by the organiser's head, made at once."""
    pack = _pack_of(request, cohort_pk)
    pdf = lan_pdf_bytes(pack)
    export_record(request, pack.cohort, "Laporan LAN (PDF)")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_name(pack.cohort, "pdf")}"'
    return response
