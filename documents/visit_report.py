"""The report of a field visit for the head of the agency (issue 18; the visits are
participants.visits): the cohorts and participants taken, the hosts and their topics, the
itinerary with attendance per activity, the groups with their escort and bus, and the
reports sent and scored. Made in the request: a handful of aggregate queries whatever the
number of participants, and a page or two of WeasyPrint."""

from django.db.models import Avg, Count, Q
from django.http import HttpResponse

from config.audit import export_record
from config.permissions import can_manage_cohorts, rule_required
from participants.models import Visit, VisitAttendance, VisitReport
from participants.visits import itinerary_days, visit_cohort_counts, visit_groups, visit_or_404

from .pdf import report_pdf


def visit_report_context(visit):
    activities = list(
        visit.activities.select_related("host")
        .annotate(
            present=Count(
                "attendances", filter=Q(attendances__status=VisitAttendance.Status.PRESENT)
            )
        )
        .order_by("date", "start_time", "pk")
    )
    cohorts = list(visit_cohort_counts(visit))
    reports = VisitReport.objects.filter(visit=visit).aggregate(
        sent=Count("pk"), scored=Count("pk", filter=Q(score__isnull=False)), average=Avg("score")
    )
    return {
        "visit": visit,
        # The signatory block of documents/pdf_base.html: the organiser's head.
        "cohort": {"organiser": visit.organiser},
        "cohorts": cohorts,
        "taking": sum(c.taking for c in cohorts),
        "hosts": list(visit.hosts.order_by("pk")),
        "days": itinerary_days(activities),
        "groups": list(visit_groups(visit)),
        "reports": reports,
    }


def visit_report_pdf(visit):
    return report_pdf("documents/visit_report_pdf.html", visit_report_context(visit))


@rule_required(can_manage_cohorts)
def visit_report(request, pk):
    """The visit's report as PDF, for the staff who work on the visit."""
    visit = visit_or_404(request.user, pk, Visit.objects.select_related("organiser"))
    pdf = visit_report_pdf(visit)
    export_record(request, visit, "Laporan studi lapangan (PDF)")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="laporan-studi-lapangan-{visit.pk}.pdf"'
    return response
