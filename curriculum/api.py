"""REST API: programs and their curriculum versions (read only). The curriculum belongs to the
province and is shared by its agencies, so every key reads every program, as every agency's
staff do (README, "Roles and institutions")."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from config.api import error_responses

from .models import PhaseTemplate, Program, ProgramVersion


class PhaseTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseTemplate
        fields = ["order", "kind", "name", "mode", "jp", "days", "day_rule"]


class ProgramVersionSerializer(serializers.ModelSerializer):
    phases = PhaseTemplateSerializer(source="phase_templates", many=True, read_only=True)
    total_jp = serializers.SerializerMethodField()

    class Meta:
        model = ProgramVersion
        fields = ["number", "effective_date", "total_jp", "phases"]

    def get_total_jp(self, version) -> int:
        return sum(phase.jp for phase in version.phase_templates.all())


class ProgramSerializer(serializers.ModelSerializer):
    versions = ProgramVersionSerializer(many=True, read_only=True, source="published_versions")

    class Meta:
        model = Program
        fields = ["id", "code", "name", "former_name", "position_level", "project_label",
                  "versions"]  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="Program pelatihan",
        responses={200: ProgramSerializer(many=True), **error_responses(401, 429)},
    ),  # fmt: skip
    retrieve=extend_schema(
        summary="Satu program", responses={200: ProgramSerializer, **error_responses(401, 404, 429)}
    ),  # fmt: skip
)
class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    """Programs with their published curriculum versions and each version's phases. Four
    queries a page: the count, the programs, their versions, the versions' phases."""

    serializer_class = ProgramSerializer

    def get_queryset(self):
        versions = ProgramVersion.objects.filter(published_at__isnull=False).order_by("number")
        return Program.objects.order_by("name", "pk").prefetch_related(
            Prefetch("versions", queryset=versions, to_attr="published_versions"),
            "published_versions__phase_templates",
        )
