"""Clear words on a phone (issue 14, at 390 px): a person who forgot their password gets a
new one by e-mail and signs in with their NIP as printed; staff revoking a certificate are
asked first, and the public page then says it is revoked."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch

from ..factories import PASSWORD, CohortFactory, enrol, project_scored, staff_user
from ..factories import widyaiswara_user as coach_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NIP = "198609262015051001"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_a_forgotten_password_is_replaced_from_the_phone(phone, live_server):
    staff_user(username=NIP, email="hary@example.go.id")
    phone.goto(f"{live_server.url}/masuk/")
    expect(phone.get_by_label("NIP atau nama pengguna")).to_be_visible()
    no_sideways_scroll(phone)
    phone.get_by_role("link", name="Lupa sandi?").click()
    phone.get_by_label("Alamat surel").fill("hary@example.go.id")
    phone.get_by_role("button", name="Kirim tautan").click()
    expect(phone.get_by_role("heading", name="Periksa surel Anda")).to_be_visible()
    no_sideways_scroll(phone)

    link = re.search(r"https?://\S+/akun/atur-sandi/\S+/", mail.outbox[-1].body).group(0)
    # The link names SITE_URL; the test server has its own address.
    phone.goto(live_server.url + urlsplit(link).path)
    phone.locator("#id_new_password1").fill("Sandi-baru-2026")
    phone.locator("#id_new_password2").fill("Sandi-baru-2026")
    phone.get_by_role("button", name="Simpan kata sandi").click()
    expect(phone.get_by_text("Kata sandi tersimpan.")).to_be_visible()

    phone.get_by_label("NIP atau nama pengguna").fill("19860926 201505 1 001")
    phone.get_by_label("Sandi").fill("Sandi-baru-2026")
    phone.get_by_role("button", name="Masuk").click()
    expect(phone).not_to_have_url(re.compile(r"/masuk/"))


def test_revoking_asks_first_and_the_public_page_follows(phone, live_server):
    cohort = CohortFactory()
    project_scored(enrol(cohort, coach=coach_user()), Decimal("88"))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    certificate = Certificate.objects.get(enrolment__cohort=cohort)
    staff = staff_user()

    phone.goto(f"{live_server.url}/masuk/")
    phone.get_by_label("NIP atau nama pengguna").fill(staff.username)
    phone.get_by_label("Sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()
    phone.goto(live_server.url + reverse("documents:certificate_detail", args=[certificate.pk]))
    phone.get_by_label("Alasan pencabutan").fill("Nama salah eja")
    phone.get_by_role("button", name="Cabut sertifikat…").click()
    expect(phone.get_by_role("heading", name="Cabut sertifikat ini?")).to_be_visible()
    expect(phone.get_by_text("Nama salah eja")).to_be_visible()
    no_sideways_scroll(phone)
    phone.get_by_role("link", name="Batal").click()
    expect(phone.locator("#certificate-status")).to_have_text("Sah")

    phone.get_by_label("Alasan pencabutan").fill("Nama salah eja")
    phone.get_by_role("button", name="Cabut sertifikat…").click()
    phone.get_by_role("button", name="Ya, cabut sertifikat").click()
    expect(phone.locator("#certificate-status")).to_have_text("Dicabut")
    phone.goto(live_server.url + certificate.get_verification_path())
    expect(phone.locator("#verdict")).to_contain_text("Sertifikat ini telah dicabut.")
