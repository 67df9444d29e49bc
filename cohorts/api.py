"""REST API: cohorts with their phases (read only), within the key's institution."""

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from config.api import error_responses

from .api_keys import within_key
from .models import Cohort, CohortPhase, Institution

UPCOMING, RUNNING, FINISHED = "upcoming", "running", "finished"


def cohort_status(cohort, today):
    """Where a cohort stands on `today`: not started, running, or over (its last day past)."""
    if today < cohort.start_date:
        return UPCOMING
    return RUNNING if today <= cohort.end_date else FINISHED


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "code", "name"]


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CohortPhase
        fields = ["id", "order", "kind", "name", "mode", "jp", "days", "start_date", "end_date"]


class CohortSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="code", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    angkatan_label = serializers.CharField(read_only=True)
    organiser = InstitutionSerializer(read_only=True)
    co_organiser = InstitutionSerializer(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()
    total_jp = serializers.SerializerMethodField()
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "program", "program_name", "angkatan", "angkatan_label", "year",
                  "organiser", "co_organiser", "start_date", "end_date", "venue", "capacity",
                  "status", "grades_closed_at", "total_jp", "phases"]  # fmt: skip

    @extend_schema_field(serializers.ChoiceField(choices=[UPCOMING, RUNNING, FINISHED]))
    def get_status(self, cohort):
        return cohort_status(cohort, timezone.localdate())

    def get_total_jp(self, cohort) -> int:
        return sum(phase.jp for phase in cohort.phases.all())


class CohortFilter(django_filters.FilterSet):
    """?start_from=&start_to=&end_from=&end_to= (YYYY-MM-DD), ?status=upcoming|running|finished
    (on today's date), ?program=<code>, ?year=."""

    start_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")
    end_from = django_filters.DateFilter(field_name="end_date", lookup_expr="gte")
    end_to = django_filters.DateFilter(field_name="end_date", lookup_expr="lte")
    status = django_filters.ChoiceFilter(
        choices=[(UPCOMING, _("Belum mulai")), (RUNNING, _("Berjalan")),
                 (FINISHED, _("Selesai"))],
        method="by_status",
    )  # fmt: skip
    program = django_filters.CharFilter(field_name="program__code")
    year = django_filters.NumberFilter(field_name="year")

    class Meta:
        model = Cohort
        fields = []

    def by_status(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            {
                UPCOMING: Q(start_date__gt=today),
                RUNNING: Q(start_date__lte=today, end_date__gte=today),
                FINISHED: Q(end_date__lt=today),
            }[value]
        )


@extend_schema_view(
    list=extend_schema(
        summary="Angkatan instansi kunci",
        responses={200: CohortSerializer(many=True), **error_responses(400, 401, 429)},
    ),  # fmt: skip
    retrieve=extend_schema(
        summary="Satu angkatan", responses={200: CohortSerializer, **error_responses(401, 404, 429)}
    ),  # fmt: skip
)
class CohortViewSet(viewsets.ReadOnlyModelViewSet):
    """The cohorts the key's institution organises or co-organises, newest first, with their
    phases. Three queries a page: the count, the cohorts with program and organisers, their
    phases. Another agency's cohort is not found (404)."""

    serializer_class = CohortSerializer
    filterset_class = CohortFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's look at the view
            return Cohort.objects.none()
        cohorts = Cohort.objects.select_related("program", "organiser", "co_organiser")
        return (
            within_key(cohorts, self.request, cohort="")
            .prefetch_related("phases")
            .order_by("-start_date", "pk")
        )


def key_cohort_or_404(request, pk):
    """The cohort of a nested address (/api/cohorts/<id>/...), if the key reaches it."""
    return get_object_or_404(
        within_key(Cohort.objects.select_related("program"), request, cohort=""), pk=pk
    )
