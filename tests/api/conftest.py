"""Two agencies, each with a cohort, an enrolment scored and a certificate issued, and keys."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cohorts.api_keys import api_key_create
from cohorts.models import ApiKey
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch

from ..factories import (
    CohortFactory,
    TrainingAgencyFactory,
    administrator_user,
    enrol,
    home_agency,
    project_scored,
    widyaiswara_user,
)


def key_for(institution, access=ApiKey.Access.READ, name="LMS Uji"):
    api_key, key = api_key_create(
        name=name, institution=institution, access=access, created_by=administrator_user()
    )
    return api_key, key


def keyed_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def error_of(response):
    """The one error shape: its code, message and fields (and nothing else)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return body["error"]


@pytest.fixture
def agencies(settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    own_agency = home_agency()
    other_agency = TrainingAgencyFactory(code="bpsdm-lain", name="BPSDM Provinsi Lain")
    own = CohortFactory(start_date=date(2022, 7, 8))
    other = CohortFactory(organiser=other_agency, start_date=date(2023, 7, 7))
    coach = widyaiswara_user()
    world = {"own_agency": own_agency, "other_agency": other_agency, "own": own, "other": other}
    for name, cohort in (("own", own), ("other", other)):
        enrolment = enrol(cohort, coach=coach)
        project_scored(enrolment, Decimal("85"))
        certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
        world[f"{name}_enrolment"] = enrolment
        world[f"{name}_certificate"] = Certificate.objects.get(enrolment=enrolment)
    world["read_key"], world["read"] = key_for(own_agency)
    world["write_key"], world["write"] = key_for(
        own_agency, access=ApiKey.Access.READ_WRITE, name="LMS Tulis"
    )
    return world
