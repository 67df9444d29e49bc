from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum

from .models import PhaseTemplate, Program, ProgramVersion


def program_catalogue():
    """Programs with their latest version, its total JP and phase count: three queries."""
    programs = list(Program.objects.order_by("name"))
    versions = (
        ProgramVersion.objects.filter(program__in=programs)
        .annotate(
            phase_total_jp=Sum("phase_templates__jp"),
            phase_count=Count("phase_templates", distinct=True),
        )
        .order_by("program_id", "number")
    )
    latest = {}
    for version in versions:
        latest[version.program_id] = version
    for program in programs:
        program.latest_version = latest.get(program.pk)
    return programs


def _phase_total_jp():
    # A subquery: summed over a join with cohorts, each phase would count once per cohort.
    return Subquery(
        PhaseTemplate.objects.filter(version=OuterRef("pk"))
        .order_by()
        .values("version")
        .annotate(total=Sum("jp"))
        .values("total")
    )


def program_versions(program):
    return program.versions.annotate(
        phase_total_jp=_phase_total_jp(),
        cohort_count=Count("cohorts", distinct=True),
    ).order_by("number")


def version_with_phases(version):
    return ProgramVersion.objects.prefetch_related(
        Prefetch(
            "phase_templates",
            queryset=PhaseTemplate.objects.order_by("order").prefetch_related("subjects"),
        )
    ).get(pk=version.pk)
