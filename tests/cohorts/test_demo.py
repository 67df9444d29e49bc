import pytest

from cohorts.demo import demo_data_load
from cohorts.models import Cohort, Institution
from config import roles
from participants.models import Enrolment, Participant
from participants.nip import nip_parse
from projects.models import ChangeProject

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Institution, Cohort, Participant, Enrolment, ChangeProject)
    }


def test_demo_data_follows_the_banten_and_probolinggo_cohorts():
    demo_data_load()
    latsar = Cohort.objects.filter(program__code="latsar", year=2022).order_by("angkatan")
    assert [c.angkatan for c in latsar] == [72, 73, 74]
    for cohort in latsar:
        assert cohort.enrolments.count() == 40
        assert sum(p.jp for p in cohort.phases.all()) == 647
        agencies = {e.participant.agency.parent.name for e in cohort.enrolments.all()}
        assert agencies == {
            "Pemerintah Kota Tangerang",
            "Pemerintah Kota Cilegon",
            "Pemerintah Kabupaten Tangerang",
        }
    pka = Cohort.objects.get(program__code="pka")
    assert str(pka) == "Pelatihan Kepemimpinan Administrator Angkatan VII Tahun 2019"
    assert pka.enrolments.count() == 30
    per_unit = {}
    for enrolment in pka.enrolments.select_related("participant"):
        per_unit[enrolment.participant.agency_id] = (
            per_unit.get(enrolment.participant.agency_id, 0) + 1
        )
    assert max(per_unit.values()) <= 2
    for nip in Participant.objects.values_list("nip", flat=True):
        nip_parse(nip)


def test_every_printed_demo_login_signs_in_with_the_demo_password():
    from django.contrib.auth import authenticate

    from cohorts.demo import DEMO_PASSWORD

    for _role, username, _note in demo_data_load().logins:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_demo_data_twice_creates_nothing_twice():
    first = demo_data_load()
    before = counts()
    second = demo_data_load()
    assert counts() == before
    assert first.logins == second.logins
    assert {role for role, _username, _note in first.logins} == {
        roles.ADMINISTRATOR,
        roles.STAFF,
        roles.WIDYAISWARA,
        roles.PARTICIPANT,
        roles.MENTOR,
    }


def test_angkatan_72_has_passing_participants_to_certify():
    demo_data_load()
    from cohorts.certificates import enrolments_passing

    cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
    # 39 of 40 scored, one of them below the pass mark; the gradebook is complete.
    assert len(enrolments_passing(cohort)) == 38
