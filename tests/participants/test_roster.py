"""The cohort roster: search, filters, sorting and exports, at a fixed cost."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from participants.models import Enrolment, StudyGroup

from ..factories import AgencyFactory, CohortFactory, ParticipantFactory, enrol, staff_user
from ..test_query_counts import COHORT_PAGE_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    health = AgencyFactory(name="Dinas Kesehatan Kota Tangerang")
    school = AgencyFactory(name="Dinas Pendidikan Kota Cilegon")
    group = StudyGroup.objects.create(cohort=cohort, name="Kelompok 1", theme="Stunting")
    people = [
        ("Ahmad Suryani, S.H.", health), ("Budi Santoso, A.Md.", school),
        ("Citra Lestari, S.Kom.", health),
    ]  # fmt: skip
    enrolments = [enrol(cohort, ParticipantFactory(name=n, agency=a)) for n, a in people]
    Enrolment.objects.filter(pk=enrolments[0].pk).update(group=group)
    Enrolment.objects.filter(pk=enrolments[1].pk).update(status=Enrolment.Status.WITHDRAWN)
    return cohort, enrolments, health, group


def names(response):
    return [e.participant.name for e in response.context["roster"]]


def test_search_filter_and_sort(client, roster):
    cohort, enrolments, health, group = roster
    client.force_login(staff_user())
    url = cohort.get_absolute_url()
    assert names(client.get(url, {"q": "budi"})) == ["Budi Santoso, A.Md."]
    nip = enrolments[2].participant.nip_display
    assert names(client.get(url, {"q": nip[:8]})) == ["Citra Lestari, S.Kom."]
    # The group and the agency are typed (part of a name, any case), not chosen from lists
    # that would grow with a cohort of thousands.
    assert names(client.get(url, {"instansi": "kesehatan kota"})) == [
        "Ahmad Suryani, S.H.",
        "Citra Lestari, S.Kom.",
    ]
    assert names(client.get(url, {"kelompok": "kelompok 1"})) == ["Ahmad Suryani, S.H."]
    assert names(client.get(url, {"status": "withdrawn"})) == ["Budi Santoso, A.Md."]
    assert names(client.get(url, {"sort": "agency"}))[0] == "Ahmad Suryani, S.H."
    assert names(client.get(url, {"sort": "agency"}))[-1] == "Budi Santoso, A.Md."


def test_exports_follow_the_filters(client, roster):
    cohort, enrolments, health, _ = roster
    client.force_login(staff_user())
    response = client.get(
        reverse("participants:roster_export", args=[cohort.pk, "xlsx"]), {"agency": health.pk}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # Below the title block (what, cohort, organiser, when) and an empty row: the header.
    assert rows[0][0] == "Daftar peserta" and rows[1][0] == str(cohort)
    header_at = rows.index(next(r for r in rows if r[0] == "NIP"))
    assert rows[header_at][:2] == ("NIP", "Nama Lengkap dan Gelar")
    people = rows[header_at + 1 :]
    assert [r[1] for r in people] == ["Ahmad Suryani, S.H.", "Citra Lestari, S.Kom."]
    assert people[0][0] == enrolments[0].participant.nip_display

    response = client.get(reverse("participants:roster_export", args=[cohort.pk, "csv"]))
    text = response.content.decode("utf-8-sig")
    assert [r[1] for r in csv.reader(io.StringIO(text))][1:] == [
        "Ahmad Suryani, S.H.",
        "Budi Santoso, A.Md.",
        "Citra Lestari, S.Kom.",
    ]


@pytest.mark.parametrize("size", [40, 400])
def test_the_roster_costs_the_same_for_40_and_400(client, django_assert_num_queries, size):
    from participants.importing import import_apply, import_check

    from .test_import import xlsx

    cohort = CohortFactory(start_date=date(2022, 7, 8))
    cohort.capacity = size
    cohort.save(update_fields=["capacity"])
    AgencyFactory(name="Dinas Kesehatan Kota Tangerang")
    from ..factories import valid_nip

    rows = [[valid_nip(n), f"Peserta {n:03d}", "III/a", "Analis", "",
             "Dinas Kesehatan Kota Tangerang", "", ""] for n in range(size)]  # fmt: skip
    import_apply(batch=import_check(cohort=cohort, uploaded=xlsx(rows), uploaded_by=None))
    client.force_login(staff_user())
    # The same queries as for three participants (tests/test_query_counts.py).
    with django_assert_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(cohort.get_absolute_url())
    # One page of the roster, whatever the cohort's size.
    assert len(response.context["roster"]) == min(size, 50)


def test_exports_never_carry_a_live_formula(client, roster):
    cohort, enrolments, _, _ = roster
    participant = enrolments[0].participant
    participant.name = '=HYPERLINK("http://example.com","klik")'
    participant.save(update_fields=["name"])
    client.force_login(staff_user())
    response = client.get(reverse("participants:roster_export", args=[cohort.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(row[1] for row in sheet.iter_rows() if "HYPERLINK" in str(row[1].value))
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")
