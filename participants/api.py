"""REST API: a participant as the API shows them, and enrolling one through the same services
as the enrol page (participants.services): eligibility, capacity and quotas are checked there,
under the cohort's lock; a refusal answers 400 with the service's own sentences. Setting a
refused rule aside needs a person's reason, so the API never does it: staff do, on the page.
The enrolment endpoints (with final scores) are in projects.api."""

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cohorts.api import InstitutionSerializer
from cohorts.models import Institution
from config.api import validation_error_of
from curriculum.models import PositionLevel

from .models import Enrolment, Participant, Rank
from .nip import nip_normalize
from .services import EligibilityRefused, enrolment_create, participant_enrol

ERROR_NEW_NIP = _("NIP %(nip)s belum terdaftar: isi juga nama, pangkat, jabatan, dan instansi.")
ERROR_AGENCY = _("Instansi dengan kode %(code)s tidak ada.")
REQUIRED_FOR_NEW = ("name", "rank", "position", "agency")


class ParticipantSerializer(serializers.ModelSerializer):
    agency = InstitutionSerializer(read_only=True)

    class Meta:
        model = Participant
        fields = ["nip", "name", "rank", "position", "position_level", "agency"]


class EnrolmentCreateSerializer(serializers.Serializer):
    """A participant by NIP. A NIP already known needs nothing else; a new one (or to bring the
    record up to date) needs name, rank, position and agency (the institution's code)."""

    nip = serializers.CharField(max_length=30, help_text="18 angka; spasi boleh.")
    name = serializers.CharField(max_length=200, required=False)
    rank = serializers.ChoiceField(choices=Rank.choices, required=False)
    position = serializers.CharField(max_length=200, required=False)
    position_level = serializers.ChoiceField(
        choices=PositionLevel.choices, required=False, allow_blank=True
    )
    agency = serializers.SlugField(required=False, help_text="Kode instansi peserta.")
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)

    def validate(self, data):
        data["nip"] = nip_normalize(data["nip"])
        given = [name for name in REQUIRED_FOR_NEW if data.get(name)]
        if given or not Participant.objects.filter(nip=data["nip"]).exists():
            missing = [name for name in REQUIRED_FOR_NEW if not data.get(name)]
            if missing:
                message = ERROR_NEW_NIP % {"nip": data["nip"]}
                raise serializers.ValidationError({name: [message] for name in missing})
            agency = Institution.objects.filter(code=data["agency"]).first()
            if agency is None:
                raise serializers.ValidationError(
                    {"agency": [ERROR_AGENCY % {"code": data["agency"]}]}
                )
            data["agency"] = agency
        return data


@transaction.atomic
def enrolment_create_from_api(*, cohort, data):
    """Enrol as the enrol page does: the participant's record brought up to date when the
    request carries it (participant_enrol), else the known participant enrolled
    (enrolment_create). Refusals are raised as DRF's ValidationError; nothing is kept."""
    try:
        if data.get("agency"):
            return participant_enrol(
                cohort=cohort,
                nip=data["nip"],
                name=data["name"],
                rank=data["rank"],
                position=data["position"],
                position_level=data.get("position_level", ""),
                agency=data["agency"],
                email=data.get("email", ""),
                phone=data.get("phone", ""),
            )
        participant = Participant.objects.get(nip=data["nip"])
        return enrolment_create(cohort=cohort, participant=participant)
    except EligibilityRefused as refused:
        messages = [r.message for r in refused.refusals]
        raise serializers.ValidationError({"eligibility": messages}) from refused
    except ValidationError as error:
        raise validation_error_of(error, field="nip") from error


class EnrolmentFilter(django_filters.FilterSet):
    """?status=registered|active|withdrawn|passed|deferred|failed; ?nip=."""

    status = django_filters.ChoiceFilter(choices=Enrolment.Status.choices)
    nip = django_filters.CharFilter(field_name="participant__nip", method="by_nip")

    class Meta:
        model = Enrolment
        fields = []

    def by_nip(self, queryset, name, value):
        return queryset.filter(participant__nip=nip_normalize(value))
