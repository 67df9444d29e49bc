"""The sample files in docs/samples/ do what the README says, on the demo data."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Cohort
from demo.loaders import demo_data_load
from participants.importing import import_apply, import_check

pytestmark = pytest.mark.django_db
SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"


def upload(name):
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


@pytest.mark.parametrize(
    "name", ["peserta-latsar-angkatan-75.xlsx", "peserta-latsar-angkatan-75.csv"]
)
def test_the_sample_with_errors_names_each_bad_row(name):
    demo_data_load()
    cohort = Cohort.objects.get(program__code="latsar", angkatan=75)
    batch = import_check(cohort=cohort, uploaded=upload(name), uploaded_by=None)
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (4, "NIP"),
        (5, "Instansi"),
        (6, "Pangkat/Golongan"),
        (7, "Syarat"),
        (8, "NIP"),
    ]
    assert batch.errors[3]["message"] == (
        "Jenjang jabatan Pengawas tidak termasuk sasaran program ini (CPNS (calon PNS))."
    )


def test_the_corrected_sample_imports_into_the_running_cohort():
    demo_data_load()
    cohort = Cohort.objects.get(program__code="latsar", angkatan=75)
    before = cohort.enrolments.count()
    batch = import_check(
        cohort=cohort, uploaded=upload("peserta-latsar-angkatan-75-diperbaiki.xlsx"),
        uploaded_by=None,
    )  # fmt: skip
    assert batch.errors == []
    assert import_apply(batch=batch)["enrolled"] == 6
    assert cohort.enrolments.count() == before + 6
