from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cohorts.services import cohort_create
from curriculum.models import DayRule, PhaseKind, PhaseMode
from curriculum.services import (
    ERROR_EFFECTIVE_DATE,
    ERROR_FIELDS_LOCKED,
    ERROR_NO_VERSION_IN_FORCE,
    ERROR_ORDER_TWICE,
    ERROR_SUBJECTS_JP,
    ERROR_TOTAL_MISMATCH,
    ERROR_VERSION_IN_USE,
    ERROR_VERSION_PUBLISHED,
    PHASE_FIELDS,
    program_create,
    program_update,
    subjects_save,
    version_draft_create,
    version_in_force,
    version_publish,
    version_save,
    version_unpublish,
)

from ..factories import CohortFactory, ProgramFactory, TrainingAgencyFactory, draft_version

pytestmark = pytest.mark.django_db


def phase_rows(version):
    return [
        {"id": p.pk, **{name: getattr(p, name) for name in PHASE_FIELDS}}
        for p in version.phase_templates.order_by("order")
    ]


def test_a_new_program_gets_a_draft_version_1_and_its_phases():
    program = program_create(
        name="Pelatihan Kepemimpinan Pengawas",
        code="pkp",
        project_label="aksi perubahan",
        effective_date=date(2019, 1, 1),
        declared_total_jp=830,
    )
    version = program.versions.get()
    rows = [
        {"order": 1, "kind": PhaseKind.DISTANCE, "name": "PJJ", "mode": PhaseMode.ONLINE,
         "jp": 290, "days": 36, "day_rule": DayRule.WORKING_DAYS},
        {"order": 2, "kind": PhaseKind.ACTUALIZATION, "name": "Laboratorium kepemimpinan",
         "mode": PhaseMode.OFFICE, "jp": 540, "days": 60, "day_rule": DayRule.WORKING_DAYS},
    ]  # fmt: skip
    version_save(
        version=version, effective_date=date(2019, 1, 1), declared_total_jp=830, note="",
        phases=rows,
    )  # fmt: skip
    assert version.total_jp() == 830
    assert version.is_draft
    version_publish(version=version)
    version.refresh_from_db()
    assert not version.is_draft
    assert [p.name for p in version.phase_templates.order_by("order")] == [
        "PJJ",
        "Laboratorium kepemimpinan",
    ]


def test_phases_that_do_not_add_up_to_the_declared_total_are_refused():
    version = draft_version()
    rows = phase_rows(version)
    rows[0]["jp"] = 40  # 647 - 8
    with pytest.raises(ValidationError) as error:
        version_save(
            version=version, effective_date=version.effective_date, declared_total_jp=647,
            note="", phases=rows,
        )  # fmt: skip
    assert error.value.messages == [str(ERROR_TOTAL_MISMATCH) % {"total": 639, "declared": 647}]
    assert version.phase_templates.get(order=1).jp == 48


def test_two_phases_with_one_order_are_refused():
    version = draft_version()
    rows = phase_rows(version)
    rows[1]["order"] = 1
    with pytest.raises(ValidationError) as error:
        version_save(
            version=version, effective_date=version.effective_date, declared_total_jp=None,
            note="", phases=rows,
        )  # fmt: skip
    assert error.value.messages == [str(ERROR_ORDER_TWICE) % {"order": 1}]


def test_phases_can_be_reordered_added_and_deleted():
    version = draft_version()
    rows = phase_rows(version)
    rows[0]["order"], rows[1]["order"] = 2, 1  # distance learning before MOOC
    rows[3]["delete"] = True
    rows.append(
        {"order": 4, "kind": PhaseKind.SEMINAR, "name": "Seminar", "mode": PhaseMode.CAMPUS,
         "jp": 62, "days": 2, "day_rule": DayRule.WORKING_DAYS}
    )  # fmt: skip
    version_save(
        version=version, effective_date=version.effective_date, declared_total_jp=647,
        note="", phases=rows,
    )  # fmt: skip
    assert list(version.phase_templates.order_by("order").values_list("name", flat=True)) == [
        "Pembelajaran jarak jauh",
        "MOOC",
        "Aktualisasi",
        "Seminar",
    ]


def test_a_published_version_is_frozen_and_a_new_version_keeps_old_cohorts_as_they_were():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    v1 = cohort.program_version
    with pytest.raises(ValidationError) as error:
        version_save(
            version=v1, effective_date=v1.effective_date, declared_total_jp=None, note="",
            phases=phase_rows(v1),
        )  # fmt: skip
    assert error.value.messages == [str(ERROR_VERSION_PUBLISHED) % {"number": 1}]
    with pytest.raises(ValidationError) as error:
        version_unpublish(version=v1)
    assert error.value.messages == [str(ERROR_VERSION_IN_USE) % {"number": 1}]

    with pytest.raises(ValidationError) as error:
        version_draft_create(program=cohort.program, effective_date=date(2017, 6, 1))
    assert "harus berlaku setelah versi 1" in error.value.messages[0]

    v2 = version_draft_create(program=cohort.program, effective_date=date(2024, 1, 1))
    rows = phase_rows(v2)
    rows[3]["jp"], rows[3]["days"] = 72, 7  # a longer classical week from 2024
    version_save(
        version=v2, effective_date=date(2024, 1, 1), declared_total_jp=None, note="", phases=rows
    )
    organiser = cohort.organiser
    # A draft is never used: cohorts starting after its date still follow version 1.
    assert version_in_force(program=cohort.program, on=date(2024, 7, 1)) == v1
    version_publish(version=v2)

    later = cohort_create(
        program=cohort.program, organiser=organiser, angkatan=90, year=2024,
        start_date=date(2024, 7, 1),
    )  # fmt: skip
    assert later.program_version == v2
    assert later.phases.get(order=4).days == 7
    cohort.refresh_from_db()
    assert cohort.program_version == v1
    assert cohort.phases.get(order=4).days == 6
    assert version_in_force(program=cohort.program, on=date(2023, 12, 31)) == v1


def test_an_effective_date_before_the_previous_version_is_refused():
    cohort = CohortFactory()
    v2 = version_draft_create(program=cohort.program, effective_date=date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        version_save(
            version=v2, effective_date=date(2017, 1, 1), declared_total_jp=None, note="",
            phases=phase_rows(v2),
        )  # fmt: skip
    assert error.value.messages == [
        str(ERROR_EFFECTIVE_DATE) % {"number": 1, "date": date(2018, 1, 1)}
    ]


def test_a_cohort_before_any_version_is_in_force_is_refused():
    program = ProgramFactory()
    with pytest.raises(ValidationError) as error:
        cohort_create(
            program=program, organiser=TrainingAgencyFactory(), angkatan=1, year=2017,
            start_date=date(2017, 3, 1),
        )  # fmt: skip
    assert error.value.messages == [
        str(ERROR_NO_VERSION_IN_FORCE) % {"program": program, "date": date(2017, 3, 1)}
    ]


def test_subjects_must_add_up_to_their_phase():
    classical = draft_version().phase_templates.get(order=4)
    with pytest.raises(ValidationError) as error:
        subjects_save(
            phase_template=classical,
            subjects=[{"order": 1, "name": "Kesiapsiagaan Bela Negara", "jp": 20}],
        )
    assert error.value.messages == [
        str(ERROR_SUBJECTS_JP) % {"total": 20, "phase": "Klasikal", "jp": 62}
    ]
    subjects_save(
        phase_template=classical,
        subjects=[
            {"order": 1, "name": "Kesiapsiagaan Bela Negara", "jp": 40, "agenda": "Apel"},
            {"order": 2, "name": "Smart ASN", "jp": 22},
        ],
    )
    assert list(classical.subjects.values_list("name", "jp")) == [
        ("Kesiapsiagaan Bela Negara", 40),
        ("Smart ASN", 22),
    ]


def test_changing_a_phase_jp_away_from_its_subjects_is_refused():
    version = draft_version()
    classical = version.phase_templates.get(order=4)
    subjects_save(
        phase_template=classical,
        subjects=[{"order": 1, "name": "Kesiapsiagaan Bela Negara", "jp": 62}],
    )
    rows = phase_rows(version)
    rows[3]["jp"], rows[2]["jp"] = 52, 330
    with pytest.raises(ValidationError) as error:
        version_save(
            version=version, effective_date=version.effective_date, declared_total_jp=647,
            note="", phases=rows,
        )  # fmt: skip
    assert error.value.messages == [
        str(ERROR_SUBJECTS_JP) % {"total": 62, "phase": "Klasikal", "jp": 52}
    ]
    assert version.phase_templates.get(order=4).jp == 62


def test_code_and_numbering_are_locked_once_cohorts_use_the_program():
    cohort = CohortFactory()
    with pytest.raises(ValidationError) as error:
        program_update(program=cohort.program, code="latsar-baru")
    assert error.value.messages == [str(ERROR_FIELDS_LOCKED)]
    program_update(program=cohort.program, name="Pelatihan Dasar CPNS (BerAKHLAK)")
    assert str(cohort.program) == "Pelatihan Dasar CPNS (BerAKHLAK)"


def test_a_program_without_versions_gets_a_first_draft():
    from curriculum.models import Program

    program = Program.objects.create(name="PKA", code="pka", project_label="aksi perubahan")
    draft = version_draft_create(program=program, effective_date=date(2019, 1, 1))
    assert (draft.number, draft.is_draft, draft.phase_templates.count()) == (1, True, 0)
