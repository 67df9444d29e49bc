"""The import preview of a large file: its rows (or its problems) about 50 a page."""

import pytest
from django.urls import reverse

from participants.models import ImportBatch

from ..factories import CohortFactory, staff_user, valid_nip

pytestmark = pytest.mark.django_db

# session, user, permissions (2), role names; the batch with its cohort and program: its
# rows are a JSON list read with it, so each page is a slice of that list, no query more.
PREVIEW_QUERIES = 6


def batch_of(size, *, errors=0):
    rows = [
        {"row": n + 2, "nip": valid_nip(n), "name": f"Peserta Impor {n:04d}", "rank": "III/a",
         "action": "new"}
        for n in range(size)
    ]  # fmt: skip
    problems = [{"row": n + 2, "column": "NIP", "message": "NIP tidak sah"} for n in range(errors)]
    return ImportBatch.objects.create(
        cohort=CohortFactory(), file_name="peserta.xlsx", rows=[] if errors else rows,
        errors=problems, summary={"total": size, "new": size, "update": 0, "enrolled": 0,
                                  "error_rows": errors},
    )  # fmt: skip


@pytest.mark.parametrize("size", [40, 400])
def test_the_preview_costs_the_same_at_40_and_400(client, django_assert_num_queries, size):
    batch = batch_of(size)
    client.force_login(staff_user())
    url = reverse("participants:import_preview", args=[batch.cohort_id, batch.pk])
    # The same number at both sizes: one query for the batch, whatever its length.
    with django_assert_num_queries(PREVIEW_QUERIES):
        page = client.get(url)
    html = page.content.decode()
    assert html.count("Peserta Impor") == min(size, 50)
    assert f"Impor {size} baris" in html  # the whole file is imported, not the page
    if size == 400:
        assert len(page.content) < 200_000
        second = client.get(url, {"page": 2}).content.decode()
        assert "Peserta Impor 0050" in second and "Peserta Impor 0049" not in second


def test_the_problems_of_a_large_file_page_by_page(client):
    batch = batch_of(120, errors=120)
    client.force_login(staff_user())
    url = reverse("participants:import_preview", args=[batch.cohort_id, batch.pk])
    html = client.get(url, {"page": 3}).content.decode()
    assert "120 kesalahan ditemukan." in html
    assert html.count("NIP tidak sah") == 20
    assert "Halaman 3 dari 3" in html
