"""The final score: weighted components, exact decimals, bands, and the staff gradebook."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch
from projects.gradebook import component_scores_record, components_check
from projects.grading import final_score_of
from projects.models import ComponentScore
from projects.selectors import enrolments_passing

from ..factories import (
    enrol,
    gradebook_own_bands,
    gradebook_world,
    staff_user,
)

pytestmark = pytest.mark.django_db


class Part:
    def __init__(self, pk, weight, source="entered", name="x"):
        self.pk, self.weight, self.source, self.name = pk, Decimal(weight), source, name


LATSAR = [Part(1, "20"), Part(2, "20"), Part(3, "60", "project")]


@pytest.mark.parametrize(
    ("attitude", "academic", "project", "final", "predicate", "passes"),
    [
        ("70", "70", "70", "70.00", "Kurang Memuaskan", False),
        ("70.05", "70", "70", "70.01", "Cukup Memuaskan", True),  # 70.01 exactly
        ("90", "90", "90", "90.00", "Memuaskan", True),
        ("90.05", "90", "90", "90.01", "Sangat Memuaskan", True),
        # 0.2*85.33 + 0.2*77.77 + 0.6*81.11 = 81.286: two places, half up
        ("85.33", "77.77", "81.11", "81.29", "Memuaskan", True),
        # 0.2*70.02 + 0.2*70.03 + 0.6*70.00 = 70.010 exactly, not a float's 70.00999
        ("70.02", "70.03", "70.00", "70.01", "Cukup Memuaskan", True),
    ],
)
def test_weighted_final_scores_are_exact(attitude, academic, project, final, predicate, passes):
    result = final_score_of(
        components=LATSAR,
        entered={1: Decimal(attitude), 2: Decimal(academic)},
        project_score=Decimal(project),
    )
    assert result.score == Decimal(final)
    assert str(result.predicate) == predicate
    assert result.passes is passes


def test_a_missing_component_leaves_the_final_score_open():
    result = final_score_of(components=LATSAR, entered={1: Decimal(80)}, project_score=None)
    assert result.score is None
    assert result.missing == ("x", "x")
    assert not result.passes


def test_weights_must_add_up_to_100():
    components_check(LATSAR)
    with pytest.raises(ValidationError) as error:
        components_check([Part(1, "20"), Part(2, "70", "project")])
    assert error.value.messages == [
        "Bobot komponen nilai akhir harus berjumlah 100% (sekarang 90%)."
    ]


@pytest.fixture
def graded():
    return gradebook_world()


def test_staff_enter_components_and_the_certificate_follows_the_final_score(client, graded):
    cohort, attitude, academic, first, second = graded
    client.force_login(staff_user())
    url = reverse("projects:gradebook", args=[cohort.pk])
    response = client.post(
        url,
        {
            f"score-{first.pk}-{attitude.pk}": "90",
            f"score-{first.pk}-{academic.pk}": "95,5",
            f"score-{second.pk}-{attitude.pk}": "40",
            f"score-{second.pk}-{academic.pk}": "40",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    # 0.2*90 + 0.2*95.5 + 0.6*80 = 85.10; 0.2*40 + 0.2*40 + 0.6*80 = 64.00
    assert "85,10" in page and "64,00" in page
    assert [e.pk for e in enrolments_passing(cohort)] == [first.pk]

    batch = CertificateBatch.objects.create(cohort=cohort)
    certificates_issue(batch_id=batch.pk)
    certificate = Certificate.objects.get()
    assert (certificate.final_score, certificate.predicate) == (Decimal("85.10"), "Memuaskan")

    refused = client.post(
        url,
        {f"score-{first.pk}-{attitude.pk}": "10", f"loaded-{first.pk}-{attitude.pk}": "90",
         "reason": "Koreksi"},
        follow=True,
    )  # fmt: skip
    assert "sertifikatnya sudah terbit" in refused.content.decode()


def test_the_gradebook_costs_the_same_for_any_cohort(client, graded, django_assert_max_num_queries):
    cohort = graded[0]
    for _ in range(25):
        enrol(cohort)
    client.force_login(staff_user())
    # session, user, permissions (2), role names; cohort; components; bands; the count for
    # the page links; one page of rows with their scores (the group is typed, not chosen)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("projects:gradebook", args=[cohort.pk]))
    assert response.content.decode().count("<tr>") == 28  # header and 27 participants


def test_only_staff_open_the_gradebook(client, graded):
    cohort, _, _, first, _ = graded
    url = reverse("projects:gradebook", args=[cohort.pk])
    client.force_login(first.coach)
    assert client.get(url).status_code == 403
    assert client.get(url + "?format=xlsx").status_code == 403


def test_unreadable_or_out_of_range_scores_change_nothing(client, graded):
    cohort, attitude, _, first, _ = graded
    client.force_login(staff_user())
    url = reverse("projects:gradebook", args=[cohort.pk])
    for typed in ["sembilan", "NaN", "Infinity", "1e999", "-5", "85,555"]:
        page = client.post(url, {f"score-{first.pk}-{attitude.pk}": typed}, follow=True)
        assert "Nilai tidak terbaca untuk" in page.content.decode(), typed
    with pytest.raises(ValidationError):
        component_scores_record(
            cohort=cohort, values={(first.pk, attitude.pk): Decimal("101")}, recorded_by=None
        )
    assert not first.component_scores.exists()


def test_a_program_with_its_own_bands(graded):
    cohort, attitude, academic, first, second = graded
    gradebook_own_bands(*graded)
    # first: 80.00, above 75 -> Baik; second: 68.00 -> Belum Kompeten (the default bands
    # would have said Kurang Memuaskan, also failing; 80.00 would have been Cukup Memuaskan).
    passing = enrolments_passing(cohort)
    assert [e.pk for e in passing] == [first.pk]
    assert str(passing[0].final.predicate) == "Baik"


def test_a_page_sent_without_some_fields_leaves_those_scores_alone(client, graded):
    cohort, attitude, academic, first, second = graded
    component_scores_record(
        cohort=cohort,
        values={(second.pk, attitude.pk): Decimal("77"), (second.pk, academic.pk): Decimal("78")},
        recorded_by=None,
    )
    client.force_login(staff_user())
    url = reverse("projects:gradebook", args=[cohort.pk])
    assert client.post(url, {f"score-{first.pk}-{attitude.pk}": "90"}).status_code == 302
    assert second.component_scores.count() == 2


def test_a_score_lowered_during_a_batch_gets_no_certificate(graded):
    from documents.issuing import certificate_ensure

    cohort, attitude, academic, first, _ = graded
    component_scores_record(
        cohort=cohort,
        values={(first.pk, attitude.pk): Decimal("90"), (first.pk, academic.pk): Decimal("90")},
        recorded_by=None,
    )
    [stale] = [e for e in enrolments_passing(cohort) if e.pk == first.pk]
    component_scores_record(
        cohort=cohort,
        values={(first.pk, attitude.pk): Decimal("0")},
        recorded_by=None,
        reason="Salah ketik",
    )  # 0.2*0 + 0.2*90 + 0.6*80 = 66.00 now
    stale.cohort = cohort
    assert certificate_ensure(enrolment=stale) is None
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("bands", "valid"),
    [
        ([(0, False), (70, True), (90, True)], True),
        ([(70, True), (85, True)], False),  # nothing below 70: a score of 5 would pass
        ([(0, False), (70, False)], False),  # nobody could pass
        ([(0, False), (70, True), (90, False)], False),  # a failing band above a passing one
    ],
)
def test_predicate_bands_must_make_sense(bands, valid):
    from projects.gradebook import bands_check

    if valid:
        bands_check(bands)
    else:
        with pytest.raises(ValidationError):
            bands_check(bands)


def test_one_bad_value_keeps_every_typed_value_marks_its_cell_and_saves_nothing(client, graded):
    cohort, attitude, academic, first, second = graded
    client.force_login(staff_user())
    url = reverse("projects:gradebook", args=[cohort.pk])
    typed = {
        f"score-{first.pk}-{attitude.pk}": "90",
        f"score-{first.pk}-{academic.pk}": "95,5",
        f"score-{second.pk}-{attitude.pk}": "150",
        f"score-{second.pk}-{academic.pk}": "78,25",
    }
    response = client.post(url, typed)
    assert response.status_code == 200
    page = response.content.decode()
    for name, value in typed.items():
        assert f'name="{name}" id="{name}" value="{value}"' in page
    bad = f"score-{second.pk}-{attitude.pk}"
    assert page.count("is-invalid") == 1
    assert f'is-invalid" name="{bad}"' in page
    assert f"{second.participant.name}, Sikap dan perilaku: nilai harus antara 0 dan 100." in page
    assert "Belum ada nilai yang disimpan" in page
    assert not ComponentScore.objects.filter(enrolment__cohort=cohort).exists()


def test_a_refused_change_keeps_the_page_as_typed_and_marks_the_changed_cell(client, graded):
    cohort, attitude, academic, first, second = graded
    component_scores_record(
        cohort=cohort, values={(first.pk, attitude.pk): Decimal("70")}, recorded_by=None
    )
    client.force_login(staff_user())
    url = reverse("projects:gradebook", args=[cohort.pk])
    changed = f"score-{first.pk}-{attitude.pk}"
    response = client.post(
        url,
        {changed: "75", f"loaded-{first.pk}-{attitude.pk}": "70,00",
         f"score-{second.pk}-{academic.pk}": "88"},
    )  # fmt: skip
    page = response.content.decode()
    assert "Tuliskan alasan perubahan" in page
    assert f'is-invalid" name="{changed}" id="{changed}" value="75"' in page
    assert f"{first.participant.name}, Sikap dan perilaku: mengubah nilai tersimpan" in page
    assert 'value="88"' in page
    # The saved value is what the page now carries as shown, so the next save compares with it.
    assert f'name="loaded-{first.pk}-{attitude.pk}" value="70,00"' in page
    assert not second.component_scores.exists()
    assert first.component_scores.get().score == Decimal("70")

    again = client.post(
        url,
        {changed: "75", f"loaded-{first.pk}-{attitude.pk}": "70,00", "reason": "Salah ketik"},
    )
    assert again.status_code == 302
    assert first.component_scores.get().score == Decimal("75")
