"""The program catalogue and template editor, through the pages staff use."""

import pytest
from django.urls import reverse

from ..factories import CohortFactory, ProgramFactory, draft_version, staff_user

pytestmark = pytest.mark.django_db


def formset_post(version, changes=None, extra=None, **fields):
    data = {
        "effective_date": "2018-01-01",
        "declared_total_jp": fields.get("declared_total_jp", ""),
        "note": "",
    }
    phases = list(version.phase_templates.order_by("order"))
    rows = [
        {"id": p.pk, "order": p.order, "kind": p.kind, "name": p.name, "mode": p.mode,
         "jp": p.jp, "days": p.days, "day_rule": p.day_rule}
        for p in phases
    ]  # fmt: skip
    for index, change in (changes or {}).items():
        rows[index].update(change)
    if extra:
        rows.append(extra)
    data.update(
        {
            "phase-TOTAL_FORMS": str(len(rows)),
            "phase-INITIAL_FORMS": str(len(phases)),
            "phase-MIN_NUM_FORMS": "0",
            "phase-MAX_NUM_FORMS": "1000",
        }
    )
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"phase-{i}-{key}"] = "" if value is None else str(value)
    return data


def test_staff_add_a_phase_and_see_the_new_total(client):
    version = draft_version()
    client.force_login(staff_user())
    response = client.post(
        version.get_edit_url(),
        formset_post(
            version,
            extra={
                "order": 5,
                "kind": "seminar",
                "name": "Seminar aktualisasi",
                "mode": "campus",
                "jp": 10,
                "days": 1,
                "day_rule": "working",
            },
        ),  # fmt: skip
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Seminar aktualisasi" in page
    assert '<td class="text-end" id="total-jp">657</td>' in page


def test_a_total_that_does_not_match_is_shown_and_nothing_changes(client):
    version = draft_version()
    client.force_login(staff_user())
    response = client.post(
        version.get_edit_url(),
        formset_post(version, changes={0: {"jp": 40}}, declared_total_jp=647),
    )
    assert response.status_code == 200
    assert (
        "Jumlah JP tahap (639) tidak sama dengan jumlah JP yang ditetapkan (647)."
        in response.content.decode()
    )
    assert version.phase_templates.get(order=1).jp == 48


def test_a_published_version_cannot_be_opened_for_editing(client):
    cohort = CohortFactory()
    client.force_login(staff_user())
    response = client.get(cohort.program_version.get_edit_url(), follow=True)
    assert "sudah diterbitkan dan tidak dapat diubah" in response.content.decode()
    new = client.post(
        reverse("curriculum:version_new", args=[cohort.program.code]),
        {"effective_date": "2025-01-01"},
    )
    assert new.status_code == 302
    assert new["Location"] == reverse("curriculum:version_edit", args=[cohort.program.code, 2])


def test_the_catalogue_costs_the_same_for_many_programs(client, django_assert_max_num_queries):
    for code in ["latsar", "pkp", "pka", "pkn2", "pka2", "pkp2"]:
        ProgramFactory(code=code, name=f"Program {code}")
    client.force_login(staff_user())
    # session, user, permissions (2), role names; programs; their latest versions with totals
    with django_assert_max_num_queries(7):
        page = client.get(reverse("curriculum:program_list")).content.decode()
    assert page.count("647") == 6


def test_a_version_used_by_several_cohorts_shows_its_own_total(client):
    first = CohortFactory()
    CohortFactory(program=first.program, organiser=first.organiser)
    client.force_login(staff_user())
    page = client.get(first.program.get_absolute_url()).content.decode()
    row = page.split('id="versions"')[1].split("</tr>")[1]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[1:]]
    # version, in force from, status, phase JP, declared JP, cohorts
    assert cells[3:6] == ["647", "—", "2"]
