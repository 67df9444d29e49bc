"""Reading: pages with a count, filters by dates and status, final scores and predicates, and
a fixed number of queries per page whatever the list's size."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort
from documents.issuing import certificate_revoke
from projects.models import ComponentScore, ScoreComponent

from ..factories import CohortFactory, ProgramFactory, enrol, project_scored
from .conftest import error_of, keyed_client

pytestmark = pytest.mark.django_db


def test_programs_with_their_published_versions(agencies):
    body = keyed_client(agencies["read"]).get(reverse("api:program-list")).json()
    assert body["count"] == 1
    program = body["results"][0]
    assert program["code"] == "latsar"
    assert program["versions"][0]["total_jp"] == 647
    assert [p["kind"] for p in program["versions"][0]["phases"]][:2] == ["mooc", "distance"]


def test_cohorts_page_and_filter(agencies, settings):
    w = agencies
    for year in range(2019, 2022):
        CohortFactory(year=year, start_date=date(year, 7, 8))
    client = keyed_client(w["read"])
    url = reverse("api:cohort-list")
    first = client.get(url, {"page_size": 2}).json()
    assert first["count"] == 4 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert [c["start_date"][:4] for c in first["results"] + second["results"]] == [
        "2022", "2021", "2020", "2019"
    ]  # fmt: skip
    settings.API_PAGE_SIZE_MAX = 3
    assert len(client.get(url, {"page_size": 100}).json()["results"]) == 3
    response = client.get(url, {"page": 9})
    assert response.status_code == 404 and error_of(response)["message"] == "Halaman 9 tidak ada."
    dated = client.get(url, {"start_from": "2020-01-01", "start_to": "2021-12-31"}).json()
    assert sorted(c["year"] for c in dated["results"]) == [2020, 2021]
    assert client.get(url, {"end_to": "2020-01-01"}).json()["count"] == 1
    assert client.get(url, {"status": "finished"}).json()["count"] == 4
    running = CohortFactory(year=timezone.localdate().year, start_date=timezone.localdate())
    found = client.get(url, {"status": "running"}).json()["results"]
    assert [c["id"] for c in found] == [running.pk] and found[0]["status"] == "running"
    response = client.get(url, {"status": "kemarin", "start_from": "bukan-tanggal"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"status", "start_from"}


def test_enrolments_with_final_scores_and_predicates(agencies):
    w = agencies
    program = w["own"].program
    ScoreComponent.objects.create(program=program, order=1, code="sikap", name="Sikap",
                                  weight=40)  # fmt: skip
    ScoreComponent.objects.create(program=program, order=2, code="aktualisasi", name="Akt",
                                  weight=60, source="project")  # fmt: skip
    enrolment = w["own_enrolment"]
    second = enrol(w["own"])
    attitude = ScoreComponent.objects.get(program=program, code="sikap")
    ComponentScore.objects.create(enrolment=enrolment, component=attitude, score=Decimal("95"))
    client = keyed_client(w["read"])
    body = client.get(reverse("api:enrolment-list", args=[w["own"].pk])).json()
    rows = {row["id"]: row for row in body["results"]}
    row = rows[enrolment.pk]
    # 40% of 95 and 60% of 85: 89.00, Memuaskan (the LAN bands).
    assert row["final_score"] == "89.00" and row["predicate"] == "Memuaskan" and row["passes"]
    assert row["components"] == {"sikap": "95.00", "aktualisasi": "85.00"}
    assert row["participant"]["nip"] == enrolment.participant.nip
    assert row["participant"]["agency"]["name"] == enrolment.participant.agency.name
    assert row["certificate"] == {"number": w["own_certificate"].number, "status": "valid"}
    open_row = rows[second.pk]
    assert open_row["final_score"] is None and open_row["predicate"] is None
    assert not open_row["passes"] and open_row["certificate"] is None
    detail = client.get(reverse("api:enrolment-detail", args=[w["own"].pk, second.pk])).json()
    assert detail["id"] == second.pk
    second.status = "withdrawn"
    second.save(update_fields=["status"])
    filtered = client.get(
        reverse("api:enrolment-list", args=[w["own"].pk]), {"status": "withdrawn"}
    )
    assert [r["id"] for r in filtered.json()["results"]] == [second.pk]


def test_certificates_filtered_by_issue_date_and_status(agencies):
    w = agencies
    client = keyed_client(w["read"])
    url = reverse("api:certificate-list")
    row = client.get(url).json()["results"][0]
    certificate = w["own_certificate"]
    assert row["number"] == certificate.number and row["status"] == "valid"
    assert row["verification_url"].endswith(f"/verifikasi/{certificate.verification_id}/")
    issued = certificate.issued_on
    around = {"issued_from": issued.isoformat(), "issued_to": issued.isoformat()}
    assert client.get(url, around).json()["count"] == 1
    after = {"issued_from": (issued + timedelta(days=1)).isoformat()}
    assert client.get(url, after).json()["count"] == 0
    certificate_revoke(certificate=certificate, actor=None, reason="Data salah")
    assert client.get(url, {"status": "valid"}).json()["count"] == 0
    revoked = client.get(url, {"status": "revoked"}).json()["results"]
    assert revoked[0]["status"] == "revoked" and revoked[0]["revoked_at"]


KEYED = 1 + 6


def more(world, n):
    """n more cohorts of the key's agency, each with an enrolment scored and a certificate."""
    from documents.batches import certificates_issue
    from documents.models import CertificateBatch

    program = ProgramFactory()
    for i in range(n):
        cohort = CohortFactory(program=program, start_date=date(2021, 1, 4) - timedelta(days=i))
        enrolment = enrol(cohort, coach=world["own_enrolment"].coach)
        project_scored(enrolment, Decimal("85"))
        certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
        enrol(world["own"])


@pytest.mark.parametrize("extra", [0, 3])
def test_query_counts_do_not_grow_with_the_lists(agencies, django_assert_num_queries, extra):
    w = agencies
    more(w, extra)
    client = keyed_client(w["read"])
    # Each request: the key by its prefix (1) and the rate limit's count in the database cache
    # (CACHE_URL unset; none with Redis): read it, count the table (culling), write it in a
    # savepoint (6), then the page. The key's last use is written at most once a minute: the
    # first request below writes it, the others not.
    client.get(reverse("api:program-list"))
    # programs: the count, the programs, their published versions, the versions' phases.
    with django_assert_num_queries(KEYED + 4):
        client.get(reverse("api:program-list"))
    # cohorts: the count, the cohorts with program and organisers, their phases.
    with django_assert_num_queries(KEYED + 3):
        assert client.get(reverse("api:cohort-list")).json()["count"] == 1 + extra
    # certificates: the count, the rows with holder joined.
    with django_assert_num_queries(KEYED + 2):
        assert client.get(reverse("api:certificate-list")).json()["count"] == 1 + extra
    # enrolments: the cohort, the program's components and bands, the count, the rows with
    # participant, agency, project score, component scores and certificate joined.
    with django_assert_num_queries(KEYED + 5):
        body = client.get(reverse("api:enrolment-list", args=[w["own"].pk])).json()
    assert body["count"] == 1 + extra


def test_a_cohort_of_no_one_is_404_as_another_agencys(agencies):
    client = keyed_client(agencies["read"])
    missing = Cohort.objects.order_by("-pk").first().pk + 100
    response = client.get(reverse("api:cohort-detail", args=[missing]))
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
