"""The whole path in a real browser: staff create a cohort and enrol participants, a
widyaiswara scores them, staff issue certificates through the real worker and download one,
and a visitor opens the QR link printed on it."""

import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from documents.models import Certificate
from participants.models import Participant
from projects.models import ChangeProject, State

from ..conftest import WAIT_SECONDS
from ..factories import (
    PASSWORD,
    AgencyFactory,
    ProgramFactory,
    TrainingAgencyFactory,
    coach_only_rubrics,
    staff_user,
    widyaiswara_user,
)
from ..pdf_tools import pdf_qr_codes, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.fixture
def worker_site_url(live_server):
    # Certificates print the address a visitor can open: here, the test server.
    return live_server.url


def log_in(page, base_url, username):
    page.goto(f"{base_url}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def log_out(page):
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("heading", name="Masuk ke Angkatan")).to_be_visible()


def enrol(page, *, nip, name, agency, coach, again):
    page.locator("#id_nip").fill(nip)
    page.locator("#id_name").fill(name)
    page.locator("#id_rank").select_option("III/a")
    page.locator("#id_position").fill("Analis Kebijakan Ahli Pertama")
    page.locator("#id_agency").select_option(label=agency)
    page.locator("#id_coach").select_option(label=coach)
    page.get_by_role(
        "button", name="Daftarkan dan tambah lagi" if again else "Daftarkan", exact=True
    ).click()
    expect(page.get_by_text(f"{name} terdaftar di angkatan ini.")).to_be_visible()


def test_cohort_to_verified_certificate(page, browser, live_server, celery_worker, tmp_path):
    coach_only_rubrics(ProgramFactory())
    organiser = TrainingAgencyFactory(name="BPSDMD Provinsi Banten", code="bpsdmd-banten")
    agency = AgencyFactory(name="Dinas Kesehatan Kota Tangerang")
    staff = staff_user(username="staf", institutions=[organiser])
    coach = widyaiswara_user(username="wi", first_name="Dra. Siti", last_name="Rohmah, M.Pd.")
    url = live_server.url

    # Staff: a cohort from the Latsar template, with its computed phase dates.
    log_in(page, url, staff.username)
    expect(page.get_by_role("heading", name="Daftar angkatan")).to_be_visible()
    page.get_by_role("link", name="Buat angkatan").click()
    page.get_by_label("Program").select_option(label="Pelatihan Dasar CPNS")
    page.locator("#id_organiser").select_option(label=organiser.name)
    page.get_by_label("Angkatan ke-").fill("72")
    page.get_by_label("Tahun").fill("2022")
    page.get_by_label("Tanggal mulai").fill("2022-07-08")
    page.get_by_role("button", name="Buat dan jadwalkan").click()
    expect(
        page.get_by_role("heading", name="Pelatihan Dasar CPNS Angkatan 72 Tahun 2022")
    ).to_be_visible()
    expect(page.get_by_text("1 Agustus 2022 – 31 Agustus 2022")).to_be_visible()

    # Staff: two participants, NIPs typed the way they are written.
    page.get_by_role("link", name="Tambah peserta").click()
    enrol(page, nip="19960512 202203 1 142", name="Ahmad Suryani, S.H.", agency=agency.name,
          coach="Dra. Siti Rohmah, M.Pd.", again=True)  # fmt: skip
    enrol(page, nip="19970204 202203 2 007", name="Dewi Lestari, S.Kom.", agency=agency.name,
          coach="Dra. Siti Rohmah, M.Pd.", again=False)  # fmt: skip
    roster = page.locator("#roster")
    expect(roster.get_by_text("19960512 202203 1 142")).to_be_visible()
    expect(roster.get_by_text("Dewi Lestari, S.Kom.")).to_be_visible()
    page.screenshot(path=tmp_path / "1-cohort.png", full_page=True)
    log_out(page)

    # Both reports are in (the workflow before it has its own browser test).
    ChangeProject.objects.update(state=State.REPORT_SUBMITTED)

    # Widyaiswara: one project passes, one does not.
    log_in(page, url, coach.username)
    expect(page.get_by_role("heading", name="Antrean saya")).to_be_visible()
    for name, score in [("Ahmad Suryani, S.H.", "88,50"), ("Dewi Lestari, S.Kom.", "65")]:
        page.locator("#queue-reports tr", has_text=name).get_by_role(
            "link", name="Baca dan nilai"
        ).click()
        page.get_by_role("link", name="Isi nilai Coach").click()
        page.get_by_label("Proyek perubahan (100").fill(score)
        page.get_by_role("button", name="Kirim nilai").click()
        expect(page.get_by_text(f"Nilai Coach untuk {name} tersimpan.")).to_be_visible()
        page.get_by_role("link", name="Antrean saya").first.click()
    expect(
        page.locator("#projects tr", has_text="Ahmad Suryani").get_by_text("Memuaskan")
    ).to_be_visible()
    log_out(page)

    # Staff: issue, watch the job finish, download the certificate.
    log_in(page, url, staff.username)
    page.get_by_role("link", name="Pelatihan Dasar CPNS Angkatan 72 Tahun 2022").click()
    expect(page.get_by_text("1 peserta lulus dan berhak atas sertifikat.")).to_be_visible()
    page.get_by_role("button", name="Terbitkan sertifikat").click()
    expect(page.get_by_text("Penerbitan sertifikat untuk 1 peserta dimulai.")).to_be_visible()
    expect(page.locator("#batch-status")).to_have_text("Selesai", timeout=WAIT_SECONDS * 1000)
    expect(page.locator("#batch-count")).to_have_text("1 / 1 sertifikat")
    page.screenshot(path=tmp_path / "2-batch.png", full_page=True)
    with page.expect_download() as zip_info:
        page.get_by_role("link", name="Unduh ZIP semua sertifikat").click()
    with zipfile.ZipFile(zip_info.value.path()) as archive:
        assert archive.namelist() == ["STTP-199605122022031142.pdf"]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh PDF").click()
    download = download_info.value
    assert download.suggested_filename == "STTP-199605122022031142.pdf"
    data = Path(download.path()).read_bytes()
    text = pdf_text(data)
    assert "Ahmad Suryani, S.H." in text
    assert "19960512 202203 1 142" in text
    assert "dengan nilai akhir 88,50 dan predikat MEMUASKAN." in " ".join(text.split())
    certificate = Certificate.objects.get()
    assert certificate.number in text
    assert f"Kode cek: {certificate.check_code}" in text  # printed beside the number
    assert not Participant.objects.get(nip="199702042022032007").enrolments.get().project.passes

    # A visitor, signed in nowhere, opens the QR link.
    [qr_url] = pdf_qr_codes(data)
    assert re.fullmatch(rf"{re.escape(url)}/verifikasi/[0-9a-f-]{{36}}/", qr_url)
    visitor = browser.new_context()
    try:
        visit = visitor.new_page()
        visit.goto(qr_url)
        expect(visit.locator("#verdict")).to_contain_text("Sertifikat ini sah.")
        expect(visit.get_by_text("Ahmad Suryani, S.H.")).to_be_visible()
        expect(visit.get_by_text(certificate.number)).to_be_visible()
        visit.screenshot(path=tmp_path / "3-verify.png", full_page=True)
        # Or by the number printed on it.
        visit.get_by_role("link", name="Periksa sertifikat lain menurut nomornya").click()
        visit.get_by_label("Nomor sertifikat").fill(certificate.number)
        visit.get_by_label("Kode cek").fill(certificate.check_code)
        visit.get_by_role("button", name="Periksa").click()
        expect(visit.locator("#verdict")).to_contain_text("Sertifikat ini sah.")
        expect(visit.get_by_text("Ahmad Suryani, S.H.")).to_be_visible()
        expect(visit.get_by_text("19960512")).to_have_count(0)  # no NIP on the public page
    finally:
        visitor.close()
