"""REST API: a cohort's enrolments with their final scores and predicates (read), enrolling
(participants.api, the enrol page's services) and component scores (write), through the
gradebook's service (projects.gradebook), so that the same rules hold as on the page: scores
between 0 and 100, rounded half up to two places; no change once the cohort's grades are
closed or once a participant's certificate is issued; changing a saved score needs a reason;
all or nothing."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from cohorts.api import key_cohort_or_404
from cohorts.api_keys import api_write_audited, key_user
from config.api import error_responses, validation_error_of
from participants.api import (
    EnrolmentCreateSerializer,
    EnrolmentFilter,
    ParticipantSerializer,
    enrolment_create_from_api,
)
from participants.models import Enrolment
from participants.nip import nip_normalize

from .gradebook import ScoresRefused, component_scores_record
from .models import ScoreComponent
from .selectors import enrolments_with_finals, final_of, grading_of

ERROR_NIP = _("Peserta dengan NIP %(nip)s tidak terdaftar di angkatan ini.")
ERROR_COMPONENT = _("Komponen %(code)s tidak ada di program angkatan ini.")
ERROR_PROJECT_COMPONENT = _(
    "Komponen %(code)s diambil dari nilai proyek perubahan; nilainya tidak dikirim lewat API."
)
ERROR_TWICE = _("Nilai %(nip)s untuk komponen %(code)s dikirim dua kali.")

COHORT_PK = OpenApiParameter("cohort_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


class EnrolmentSerializer(serializers.ModelSerializer):
    """An enrolment with its participant, final score and predicate (null while a part is
    missing), each component's score by code, and its certificate once issued."""

    participant = ParticipantSerializer(read_only=True)
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    final_score = serializers.SerializerMethodField()
    predicate = serializers.SerializerMethodField()
    passes = serializers.SerializerMethodField()
    components = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = ["id", "cohort", "participant", "status", "enrolled_at", "final_score",
                  "predicate", "passes", "components", "certificate"]  # fmt: skip

    def _final(self, enrolment):
        if not hasattr(enrolment, "final"):
            enrolment.final = final_of(enrolment, self.context["grading"])
        return enrolment.final

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_final_score(self, enrolment):
        score = self._final(enrolment).score
        return None if score is None else f"{score:.2f}"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_predicate(self, enrolment):
        final = self._final(enrolment)
        return None if final.score is None else str(final.predicate)

    def get_passes(self, enrolment) -> bool:
        return self._final(enrolment).passes

    @extend_schema_field(serializers.DictField(child=serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True)))  # fmt: skip
    def get_components(self, enrolment):
        self._final(enrolment)
        out = {}
        for component in self.context["grading"].components:
            if component.source == ScoreComponent.Source.PROJECT:
                value = enrolment.project_score
            else:
                value = enrolment.entered.get(component.pk)
            out[component.code] = None if value is None else f"{value:.2f}"
        return out

    @extend_schema_field(
        inline_serializer(
            name="EnrolmentCertificate",
            fields={"number": serializers.CharField(), "status": serializers.CharField()},
            allow_null=True,
        )
    )
    def get_certificate(self, enrolment):
        try:
            certificate = enrolment.certificate
        except Enrolment.certificate.RelatedObjectDoesNotExist:
            return None
        return {"number": certificate.number, "status": certificate.status}


@extend_schema_view(
    list=extend_schema(
        summary="Peserta angkatan dengan nilai akhir",
        parameters=[COHORT_PK],
        responses={200: EnrolmentSerializer(many=True), **error_responses(400, 401, 404, 429)},
    ),  # fmt: skip
    retrieve=extend_schema(
        summary="Satu peserta angkatan",
        parameters=[COHORT_PK],
        responses={200: EnrolmentSerializer, **error_responses(401, 404, 429)},
    ),  # fmt: skip
    create=extend_schema(
        summary="Daftarkan peserta (menurut NIP)",
        parameters=[COHORT_PK],
        request=EnrolmentCreateSerializer,
        responses={201: EnrolmentSerializer, **error_responses(400, 401, 403, 404, 429)},
    ),  # fmt: skip
)
class EnrolmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """/api/cohorts/<cohort_pk>/enrolments/: the cohort's participants by name, each with the
    final score reckoned in SQL (projects.selectors.enrolments_with_finals). Six queries a
    page whatever its size: the cohort, the program's components and bands, the count, the
    page's rows with participant, agency and certificate joined."""

    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter

    def cohort(self):
        if not hasattr(self, "_cohort"):
            self._cohort = key_cohort_or_404(self.request, self.kwargs["cohort_pk"])
            self._grading = grading_of(self._cohort.program)
        return self._cohort

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's look at the view
            return Enrolment.objects.none()
        cohort = self.cohort()
        rows = Enrolment.objects.filter(cohort=cohort).select_related(
            "participant__agency", "certificate"
        )
        return enrolments_with_finals(rows, self._grading).order_by("participant__name", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "_grading"):
            context["grading"] = self._grading
        return context

    def get_serializer_class(self):
        return EnrolmentCreateSerializer if self.action == "create" else EnrolmentSerializer

    def create(self, request, *args, **kwargs):
        cohort = self.cohort()
        incoming = EnrolmentCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with api_write_audited(request):
            enrolment = enrolment_create_from_api(cohort=cohort, data=incoming.validated_data)
        row = self.get_queryset().get(pk=enrolment.pk)
        body = EnrolmentSerializer(row, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class ScoreItemSerializer(serializers.Serializer):
    nip = serializers.CharField(max_length=30)
    component = serializers.SlugField(help_text="Kode komponen nilai program (mis. akademik).")
    score = serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True,
        help_text="0-100, dibulatkan ke dua desimal; null mengosongkan (perlu alasan).",
    )  # fmt: skip


class ScoresWriteSerializer(serializers.Serializer):
    scores = ScoreItemSerializer(many=True, allow_empty=False, max_length=5000)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500,
        help_text="Wajib bila mengubah nilai yang sudah tersimpan.",
    )  # fmt: skip


class ComponentScoresView(APIView):
    """POST /api/cohorts/<cohort_pk>/scores/: entered component scores by NIP and component
    code, all or nothing (projects.gradebook.component_scores_record)."""

    @extend_schema(
        summary="Kirim nilai komponen (mis. dari LMS)",
        parameters=[COHORT_PK],
        request=ScoresWriteSerializer,
        responses={
            200: inline_serializer(
                name="ScoresRecorded", fields={"recorded": serializers.IntegerField()}
            ),
            **error_responses(400, 401, 403, 404, 429),
        },
    )
    def post(self, request, cohort_pk):
        cohort = key_cohort_or_404(request, cohort_pk)
        incoming = ScoresWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        items = incoming.validated_data["scores"]
        values, where = self._values(cohort, items)
        try:
            with api_write_audited(request):
                recorded = component_scores_record(
                    cohort=cohort,
                    values=values,
                    recorded_by=key_user(request),
                    reason=incoming.validated_data.get("reason", ""),
                )
        except ScoresRefused as refused:
            fields = {f"scores.{where[key]}.score": [str(m)] for key, m in refused.cells.items()}
            fields["non_field_errors"] = list(refused.messages)
            raise serializers.ValidationError(fields) from refused
        except ValidationError as error:  # the grades are closed
            raise validation_error_of(error) from error
        return Response({"recorded": recorded})

    def _values(self, cohort, items):
        """`values` for the gradebook keyed (enrolment id, component id), and each key's
        position in the request (to name the refused item); unknown NIPs and components are
        refused here, each under its item."""
        nips = {nip_normalize(item["nip"]) for item in items}
        enrolments = dict(
            Enrolment.objects.filter(cohort=cohort, participant__nip__in=nips).values_list(
                "participant__nip", "pk"
            )
        )
        components = {c.code: c for c in grading_of(cohort.program).components}
        values, where, errors = {}, {}, {}
        for index, item in enumerate(items):
            nip, code = nip_normalize(item["nip"]), item["component"]
            component = components.get(code)
            if nip not in enrolments:
                errors[f"scores.{index}.nip"] = [ERROR_NIP % {"nip": nip}]
            if component is None:
                errors[f"scores.{index}.component"] = [ERROR_COMPONENT % {"code": code}]
            elif component.source == ScoreComponent.Source.PROJECT:
                errors[f"scores.{index}.component"] = [ERROR_PROJECT_COMPONENT % {"code": code}]
            if nip not in enrolments or component is None:
                continue
            key = (enrolments[nip], component.pk)
            if key in values:
                errors[f"scores.{index}"] = [ERROR_TWICE % {"nip": nip, "code": code}]
            values[key], where[key] = item["score"], index
        if errors:
            raise serializers.ValidationError(errors)
        return values, where
