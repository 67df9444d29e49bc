"""REST API: certificates of the key's institution (read), and the public verification in
JSON, with the same content as the verification page (documents.views.verify, the same
selectors and the same rate limit, VERIFY_RATE, counted together with the page's)."""

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cohorts.api_keys import within_key
from config.api import ERROR, Refused, error_responses, validation_error_of

from . import selectors
from .forms import VerifyLookupForm
from .models import Certificate


class CertificateSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="enrolment.cohort_id", read_only=True)
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    nip = serializers.CharField(source="enrolment.participant.nip", read_only=True)
    name = serializers.CharField(source="enrolment.participant.name", read_only=True)
    verification_url = serializers.CharField(source="get_verification_url", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "number", "status", "issued_on", "revoked_at", "final_score",
                  "predicate", "cohort", "enrolment", "nip", "name",
                  "verification_url"]  # fmt: skip


class CertificateFilter(django_filters.FilterSet):
    """?issued_from=&issued_to= (YYYY-MM-DD), ?status=valid|revoked, ?cohort=<id>."""

    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte")
    status = django_filters.ChoiceFilter(choices=Certificate.Status.choices)
    cohort = django_filters.NumberFilter(field_name="enrolment__cohort_id")

    class Meta:
        model = Certificate
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="Sertifikat instansi kunci",
        responses={200: CertificateSerializer(many=True), **error_responses(400, 401, 429)},
    ),  # fmt: skip
    retrieve=extend_schema(
        summary="Satu sertifikat",
        responses={200: CertificateSerializer, **error_responses(401, 404, 429)},
    ),  # fmt: skip
)
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """The certificates of the cohorts the key's institution organises or co-organises, newest
    first. Two queries a page: the count, and the rows with holder joined."""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's look at the view
            return Certificate.objects.none()
        rows = Certificate.objects.select_related("enrolment__participant")
        return within_key(rows, self.request, cohort="enrolment__cohort").order_by(
            "-issued_on", "-pk"
        )


# The public verification ------------------------------------------------------------------


def _date(value):
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value)


def verification_facts(certificate, looked_up=""):
    """What the verification page says of a certificate (templates/documents/verify.html), as
    data, with its sentences: the same facts, no more (no NIP, agency or score)."""
    cohort = certificate.enrolment.cohort
    valid = certificate.status == Certificate.Status.VALID
    if valid:
        verdict = " ".join(
            [_("Sertifikat ini sah."),
             _("Diterbitkan oleh %(organiser)s.") % {"organiser": cohort.organiser}]
        )  # fmt: skip
    else:
        verdict = _("Sertifikat ini telah dicabut.")
        if certificate.revoked_at:
            verdict += " " + _("Dicabut pada %(when)s.") % {"when": _date(certificate.revoked_at)}
    replaced = next((r for r in certificate.replaced if r.number == looked_up), None)
    notice = None
    if replaced is not None:
        what = {"when": _date(replaced.replaced_at), "new": certificate.number}
        later = (
            _(
                "Sertifikat itu diterbitkan ulang pada %(when)s; yang berlaku adalah sertifikat "
                "bernomor %(new)s di bawah ini. Kertas dengan nomor lama tidak lagi menjadi "
                "bukti kelulusan."
            )
            if valid
            else _(
                "Sertifikat itu diterbitkan ulang pada %(when)s dengan nomor %(new)s, yang juga "
                "sudah dicabut (lihat di bawah). Kertas dengan nomor lama tidak lagi menjadi "
                "bukti kelulusan."
            )
        )
        notice = {
            "number": replaced.number,
            "replaced_at": replaced.replaced_at.isoformat(),
            "message": " ".join(
                [_("Nomor %(old)s tidak berlaku lagi.") % {"old": replaced.number}, later % what]
            ),
        }
    return {
        "status": certificate.status,
        "verdict": verdict,
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "number": certificate.number,
        "name": certificate.enrolment.participant.name,
        "program": cohort.program.name,
        "angkatan": cohort.angkatan_label,
        "year": cohort.year,
        "organiser": cohort.organiser.name,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "total_jp": certificate.total_jp,
        "predicate": certificate.predicate,
        "issued_on": certificate.issued_on.isoformat(),
        "replaced_numbers": [
            {"number": r.number, "replaced_at": r.replaced_at.isoformat()}
            for r in certificate.replaced
        ],
        "looked_up_replaced": notice,
        "verification_url": certificate.get_verification_url(),
    }


VERIFICATION = inline_serializer(
    name="Verification",
    fields={
        "status": serializers.ChoiceField(choices=Certificate.Status.choices),
        "verdict": serializers.CharField(),
        "revoked_at": serializers.DateTimeField(allow_null=True),
        "number": serializers.CharField(),
        "name": serializers.CharField(),
        "program": serializers.CharField(),
        "angkatan": serializers.CharField(),
        "year": serializers.IntegerField(),
        "organiser": serializers.CharField(),
        "start_date": serializers.DateField(),
        "end_date": serializers.DateField(),
        "total_jp": serializers.IntegerField(),
        "predicate": serializers.CharField(),
        "issued_on": serializers.DateField(),
        "replaced_numbers": serializers.ListField(child=serializers.DictField()),
        "looked_up_replaced": serializers.DictField(allow_null=True),
        "verification_url": serializers.CharField(),
    },
)
VERIFY_ERRORS = {
    404: OpenApiResponse(ERROR, description="Tidak ditemukan."),
    429: OpenApiResponse(ERROR, description="Lewat VERIFY_RATE per alamat."),
}


def verify_rate(group, request):
    return settings.VERIFY_RATE


class PublicVerification(APIView):
    """No key: anyone holding the paper may check it. Limited as the page is, per visitor
    address, in the same count (group "verify"), so that alternating page and JSON gains
    nothing."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if is_ratelimited(
            request._request, group="verify", key="ip", rate=verify_rate, increment=True
        ):
            raise Refused(
                # The page's own sentence (templates/documents/verify_limited.html).
                _(
                    "Terlalu banyak pemeriksaan sertifikat dari alamat Anda. Tunggu satu menit, "
                    "lalu coba lagi."
                ),
                status_code=429,
                code="throttled",
            )


class VerifyView(PublicVerification):
    @extend_schema(
        summary="Verifikasi sertifikat (kode QR)",
        operation_id="verify",
        auth=[],
        parameters=[OpenApiParameter("nomor", OpenApiTypes.STR, description="Nomor yang dicari")],
        responses={200: VERIFICATION, **VERIFY_ERRORS},
    )
    def get(self, request, verification_id):
        certificate = selectors.certificate_for_verification(verification_id)
        if certificate is None:
            raise Refused(
                _("Sertifikat tidak ditemukan. Periksa kembali tautan atau kode QR."),
                status_code=404,
            )
        return Response(verification_facts(certificate, request.query_params.get("nomor", "")))


class VerifyLookupView(PublicVerification):
    @extend_schema(
        summary="Verifikasi sertifikat menurut nomor dan kode cek",
        operation_id="verify_lookup",
        auth=[],
        parameters=[
            OpenApiParameter("nomor", OpenApiTypes.STR, required=True),
            OpenApiParameter("kode", OpenApiTypes.STR, description="Kode cek di samping nomor"),
            OpenApiParameter("lahir", OpenApiTypes.DATE, description="atau tanggal lahir"),
        ],
        responses={
            200: VERIFICATION,
            400: OpenApiResponse(ERROR, description="Nomor, atau kode/tanggal lahir, kosong."),
            **VERIFY_ERRORS,
        },
    )
    def get(self, request):
        form = VerifyLookupForm(request.query_params)
        if not form.is_valid():
            raise validation_error_of_form(form)
        number = form.cleaned_data["nomor"]
        found = selectors.certificate_by_number(
            number, check_code=form.cleaned_data["kode"], birth_date=form.cleaned_data["lahir"]
        )
        if found is None:
            raise Refused(
                _("Tidak ada sertifikat bernomor “%(number)s” dengan kode cek atau tanggal "
                  "lahir itu.") % {"number": number},
                status_code=404,
            )  # fmt: skip
        # Read again as the QR page reads it: the facts, the total JP, the old numbers.
        certificate = selectors.certificate_for_verification(found.verification_id)
        return Response(verification_facts(certificate, number))


def validation_error_of_form(form):
    return validation_error_of(ValidationError(form.errors.as_data()))
