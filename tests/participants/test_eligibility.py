"""The program's eligibility rules, each refused with its reason; overrides kept."""

from datetime import date

import pytest
from django.urls import reverse

from curriculum.models import EligibilityPolicy
from participants.eligibility import (
    RULE_AGENCY,
    RULE_CAPACITY,
    RULE_LEVEL,
    RULE_OVERLAP,
    RULE_RETIREMENT,
)
from participants.models import EligibilityOverride, Enrolment
from participants.services import EligibilityRefused, enrolment_create

from ..factories import AgencyFactory, CohortFactory, ParticipantFactory, enrol, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pka():
    """A PKA-like cohort starting 4 April 2019: administrators with more than four years
    before retirement, at most two per agency."""
    cohort = CohortFactory(start_date=date(2019, 4, 4), year=2019)
    EligibilityPolicy.objects.create(
        program=cohort.program,
        allowed_levels=["administrator"],
        min_years_before_retirement=4,
        max_per_agency=2,
    )
    return cohort


def refused(cohort, participant):
    with pytest.raises(EligibilityRefused) as error:
        enrolment_create(cohort=cohort, participant=participant)
    return {r.rule: r.message for r in error.value.refusals}


def test_a_position_level_outside_the_program_is_refused(pka):
    person = ParticipantFactory(position_level="pengawas", nip="197501012000031001")
    assert refused(pka, person) == {
        RULE_LEVEL: "Jenjang jabatan Pengawas tidak termasuk sasaran program ini (Administrator)."
    }


def test_too_few_years_before_retirement_is_refused(pka):
    # Born 1 January 1963: retires at 58 on 1 January 2021, under two years after the start.
    person = ParticipantFactory(position_level="administrator", nip="196301011990031001")
    assert refused(pka, person) == {
        RULE_RETIREMENT: "Sisa masa kerja sebelum BUP (58 tahun, 1 Januari 2021) tinggal 1,7 "
        "tahun; minimal 4,0 tahun."
    }


def test_a_third_participant_from_one_agency_is_refused(pka):
    agency = AgencyFactory(name="Dinas Pendidikan Kabupaten Probolinggo")
    for _ in range(2):
        enrol(pka, ParticipantFactory(position_level="administrator", agency=agency))
    third = ParticipantFactory(position_level="administrator", agency=agency)
    assert refused(pka, third) == {
        RULE_AGENCY: "Sudah ada 2 peserta dari Dinas Pendidikan Kabupaten Probolinggo di "
        "angkatan ini; batasnya 2."
    }


def test_a_full_cohort_is_refused(pka):
    pka.capacity = 1
    pka.save(update_fields=["capacity"])
    enrol(pka, ParticipantFactory(position_level="administrator"))
    late = ParticipantFactory(position_level="administrator")
    assert refused(pka, late) == {RULE_CAPACITY: "Angkatan sudah penuh (kapasitas 1 peserta)."}


def test_two_cohorts_at_the_same_time_are_refused(pka):
    person = ParticipantFactory(position_level="administrator")
    other = CohortFactory(start_date=date(2019, 5, 6), year=2019, program=pka.program)
    enrol(other, person)
    messages = refused(pka, person)
    assert list(messages) == [RULE_OVERLAP]
    assert messages[RULE_OVERLAP].startswith(f"Peserta sudah terdaftar di {other} (")


def test_staff_override_a_refusal_with_a_reason_that_is_kept(client, pka):
    staff = staff_user()
    agency = AgencyFactory()
    person = ParticipantFactory(position_level="pengawas", agency=agency)
    client.force_login(staff)
    data = {
        "nip": person.nip, "name": person.name, "rank": "III/d", "position": "Kepala Seksi",
        "position_level": "pengawas", "agency": agency.pk,
    }  # fmt: skip
    url = reverse("participants:enrol", args=[pka.pk])
    page = client.post(url, data).content.decode()
    assert "Jenjang jabatan Pengawas tidak termasuk sasaran program ini" in page
    assert not Enrolment.objects.exists()

    data["override_reason"] = "Plt. Kepala Bidang sejak Januari 2019 (SK Bupati 800/12/2019)."
    assert client.post(url, data).status_code == 302
    override = EligibilityOverride.objects.get()
    assert override.rule == RULE_LEVEL
    assert override.reason == data["override_reason"]
    assert override.overridden_by == staff
    history = client.get(person.get_absolute_url()).content.decode()
    assert "SK Bupati 800/12/2019" in history


def test_administrators_edit_the_rules_in_the_browser(client, pka):
    from .test_roles import admin_user

    client.force_login(admin_user())
    url = reverse("participants:eligibility", args=[pka.program.code])
    data = {
        "allowed_levels": ["administrator", "pengawas"],
        "min_years_before_retirement": "3",
        "max_per_agency": "3",
        "refuse_overlapping": "on",
        **{f"bup_{level}": "58" for level in
           ["jpt_pratama", "administrator", "pengawas", "pelaksana", "fungsional", "cpns"]},
    }  # fmt: skip
    data["bup_jpt_pratama"] = "60"
    assert client.post(url, data).status_code == 302
    policy = EligibilityPolicy.objects.get(program=pka.program)
    assert policy.allowed_levels == ["administrator", "pengawas"]
    assert policy.max_per_agency == 3
    assert policy.retirement_age("jpt_pratama") == 60
    client.force_login(staff_user())
    assert client.get(url).status_code == 403


def test_exactly_the_minimum_years_before_retirement_is_enough():
    cohort = CohortFactory(start_date=date(2021, 4, 5), year=2021)
    EligibilityPolicy.objects.create(program=cohort.program, min_years_before_retirement=2)
    # Born 5 April 1965: retires at 58 on 5 April 2023, exactly two years after the start.
    on_time = ParticipantFactory(position_level="administrator", nip="196504051990031001")
    assert enrolment_create(cohort=cohort, participant=on_time)
    a_day_short = ParticipantFactory(position_level="administrator", nip="196504041990031002")
    assert list(refused(cohort, a_day_short)) == [RULE_RETIREMENT]


def test_without_a_position_level_the_general_retirement_age_applies(pka):
    EligibilityPolicy.objects.filter(program=pka.program).update(allowed_levels=[])
    person = ParticipantFactory(position_level="", nip="196301011990031001")
    assert list(refused(pka, person)) == [RULE_RETIREMENT]
