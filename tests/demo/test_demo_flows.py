"""The flows `make demo` adds beyond the demo data (issues 17 and 18), on the loaded demo, in
one module so that the demo is loaded once for all of them: BSrE signing, SIASN check and push,
LMS scores, PKN Tingkat II with the full STTP, field visits, follow-up and the catalogue."""

import io
import time

import pypdf
import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from cohorts.models import Cohort, Institution
from config import roles
from demo.bsre_demo import HEAD_NIK, HEAD_USERNAME, bsre_demo_ensure
from demo.followup_demo import SEED_THEMES, followup_demo_ensure
from demo.loaders import DEMO_PASSWORD
from demo.management.commands.demo_data import lms_standin_write
from demo.pkn_demo import SIZE, pkn_demo_ensure
from demo.siasn_people import siasn_standin_write
from demo.standins import lms as lms_standin
from demo.standins import siasn as siasn_standin
from demo.standins.bsre import DEMO_PASSWORD as BSRE_PASSWORD
from demo.standins.bsre import DEMO_PEOPLE, DEMO_USERNAME, build
from demo.visits_demo import visits_demo_ensure, visits_demo_logins
from documents.batches import certificates_issue
from documents.bsre_models import BatchSigning
from documents.bsre_signing import batch_sign
from documents.models import Certificate, CertificateBatch, SiasnSync
from documents.siasn_sync import siasn_push_request, siasn_record_push
from participants.models import CommitmentDocument, Enrolment, Visit, VisitMember, VisitReport
from participants.visits import group_balance
from projects.catalogue import catalogue_entries
from projects.lms_fetch import lms_course_default
from projects.models import ComponentScore, FollowUpRound

from ..factories import administrator_user
from ..integrations.test_siasn_client import siasn_settings
from ..pdf_tools import pdf_text
from ..standins import running

pytestmark = pytest.mark.django_db


# --- BSrE: the acting head of Jawa Timur signs the PKA's batch (demo.bsre_demo) ---


@pytest.fixture
def bsre_stand_in(settings, tmp_path):
    with running(build(port=0, state_dir=tmp_path / "bsre")) as server:
        settings.BSRE_BASE_URL = server.url
        settings.BSRE_USERNAME, settings.BSRE_PASSWORD = DEMO_USERNAME, BSRE_PASSWORD
        settings.BSRE_TRUST_ROOTS = str(server.trust_roots_path)
        yield server


def test_build_works_without_arguments():
    bsre_stand_in = build()
    assert bsre_stand_in.port == 8702 and bsre_stand_in.trust_roots_path.is_file()


def test_the_pka_is_signed_through_the_bsre_stand_in(demo, bsre_stand_in, settings, client):
    bsre_demo_ensure()
    bsre_demo_ensure()  # again: nothing made twice
    signing = BatchSigning.objects.get(batch__cohort__program__code="pka")
    assert signing.state == BatchSigning.State.AWAITING and signing.total == 30

    client.post(reverse("login"), {"username": HEAD_USERNAME, "password": DEMO_PASSWORD})
    queue = client.get(reverse("documents:signing_queue")).content.decode()
    assert reverse("documents:batch_signing", args=[signing.batch_id]) in queue
    url = reverse("documents:batch_signing", args=[signing.batch_id])
    passphrase = DEMO_PEOPLE[HEAD_NIK][0]
    answer = client.post(url, {"action": "approve", "nik": HEAD_NIK, "passphrase": passphrase})
    assert answer.status_code == 302
    batch_sign(signing_id=signing.pk)  # the worker's job, here
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.DONE, signing.error

    roots = [
        asn1_x509.Certificate.load(der)
        for _, _, der in pem.unarmor(bsre_stand_in.trust_roots_path.read_bytes(), multiple=True)
    ]
    for certificate in Certificate.objects.filter(enrolment__cohort=signing.batch.cohort)[:3]:
        data = certificate.pdf.read()
        [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
        assert status.intact and status.valid and status.trusted
        assert "Plt. Kepala BPSDM Provinsi Jawa Timur" in " ".join(pdf_text(data).split())


# --- SIASN: check a NIP and see a difference; push Angkatan 72's graduates (demo.siasn_people) ---


@pytest.fixture
def siasn_stand_in(demo, settings, tmp_path, monkeypatch):
    """The stand-in as `make demo` starts it: build() with no arguments, reading the people
    the demo data wrote."""
    monkeypatch.setenv(siasn_standin.PEOPLE_FILE_ENV, str(tmp_path / "siasn.json"))
    siasn_standin_write()
    with running(siasn_standin.build()) as server:
        siasn_settings(settings, server, timeout=10)
        yield server


def staff_login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def test_the_demo_people_are_in_siasn(demo, siasn_stand_in):
    latsar72 = Cohort.objects.get(program__code="latsar", angkatan=72)
    assert len(siasn_stand_in.people) >= latsar72.enrolments.count() + 30


def test_staff_check_a_nip_and_see_a_difference(demo, siasn_stand_in, client):
    cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
    first, second = [
        e.participant for e in cohort.enrolments.select_related("participant")
        .order_by("participant__name")[:2]
    ]  # fmt: skip
    staff_login(client, "staf")
    url = reverse("participants:siasn_check", args=[cohort.pk])
    check = client.get(url, {"nip": first.nip}).context["check"]
    assert [row.key for row in check.differences] == ["rank"]
    check = client.get(url, {"nip": second.nip}).context["check"]
    assert [row.key for row in check.differences] == ["agency"]
    client.post(url, {"nip": second.nip, "terima": ["agency"]})
    second.refresh_from_db()
    assert second.agency.name == siasn_stand_in.people[second.nip]["unorNama"]


def test_a_pka_alumnus_checked_for_pka_is_warned(demo, siasn_stand_in, client):
    cohort = Cohort.objects.get(program__code="pka", angkatan=7)
    alumnus = cohort.enrolments.order_by("participant__name").first().participant
    staff_login(client, "staf-jatim")
    response = client.get(
        reverse("participants:siasn_check", args=[cohort.pk]), {"nip": alumnus.nip}
    )
    labels = [(t.label, t.repeats) for t in response.context["check"].history]
    assert labels == [("PKP", False), ("PKA", True)]
    assert 'id="siasn-repeats"' in response.content.decode()


def test_staff_push_angkatan_72_and_see_them_sent(demo, siasn_stand_in, client):
    cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
    user = get_user_model().objects.get(username="staf")
    # Staff issue the certificates first (the demo leaves Angkatan 72's to them); here, in
    # this process.
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    graduates = cohort.certificate_batches.get().cohort.enrolments.filter(certificate__isnull=False)
    count = siasn_push_request(cohort=cohort, requested_by=user)
    assert count == graduates.count() == 38
    for sync_id in SiasnSync.objects.values_list("pk", flat=True):
        siasn_record_push(sync_id=sync_id)  # what each record's job does
    staff_login(client, "staf")
    page = client.get(reverse("documents:siasn_sync", args=[cohort.pk]))
    assert page.context["summary"]["sent"] == 38
    assert page.content.decode().count('data-status="sent"') == 38
    assert len(siasn_stand_in.records_for()) == 38


# --- LMS: Angkatan 75's course fills its academic scores (demo.standins.lms) ---


@pytest.mark.django_db
def test_the_demo_lms_course_fills_the_running_cohorts_academic_scores(
    demo, client, tmp_path, monkeypatch
):
    path = lms_standin_write(tmp_path / "lms.json")
    monkeypatch.setenv("LMS_STANDIN_DATA", str(path))
    monkeypatch.setenv("LMS_TOKEN", "token-demo-uji")
    cohort = Cohort.objects.get(program__code="latsar", angkatan=75)
    academic = cohort.program.score_components.get(code="akademik")
    with running(lms_standin.build()) as stand_in:
        settings.LMS_BASE_URL, settings.LMS_TOKEN = stand_in.url, "token-demo-uji"
        client.force_login(get_user_model().objects.get(username="staf"))
        response = client.post(
            reverse("projects:lms_fetch", args=[cohort.pk]), {"course": lms_course_default(cohort)}
        )
        assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    header = client.session[f"lms_import_{cohort.pk}"]["header"]
    total = header.index("Course total (Real)")
    assert f'<option value="{total}" selected>Course total (Real)</option>' in preview
    unmatched = preview.split('id="lms-unmatched"')[1].split("</ul>")[0]
    assert unmatched.count("<li>") == 3  # another cohort's participant, a tester, a facilitator
    flags = preview.split('id="lms-not-completed"')[1].split("</div>")[0]
    assert "1 peserta belum menyelesaikan MOOC/e-learning" in flags
    confirm = client.post(response.url, {"rule": "idnumber", f"c{academic.pk}": total})
    assert confirm.status_code == 302
    enrolled = cohort.enrolments.count()
    filled = ComponentScore.objects.filter(enrolment__cohort=cohort, component=academic)
    assert filled.count() == enrolled - 1


# --- PKN Tingkat II on behalf of LAN, the full STTP (demo.pkn_demo) ---


def test_the_pkn_ii_certificates_carry_lans_block_and_the_transcript(demo, client):
    role, username, _note = pkn_demo_ensure(commitments=3)
    pkn_demo_ensure(commitments=3)  # again: nothing made twice
    enrolments = Enrolment.objects.filter(cohort__program__code="pkn2")
    assert enrolments.count() == SIZE == 47
    assert enrolments.values("participant__agency__parent").distinct().count() >= 8
    assert set(enrolments.values_list("status", flat=True)) == {Enrolment.Status.PASSED}
    assert CommitmentDocument.objects.filter(enrolment__in=enrolments).count() == 3
    certificates = Certificate.objects.filter(enrolment__in=enrolments)
    assert certificates.count() == 47
    cohort = enrolments.first().cohort
    assert cohort.on_behalf_of.name == "Lembaga Administrasi Negara"
    assert sum(p.jp for p in cohort.phases.all()) == 923

    # The graduate whose login the demo prints downloads their certificate.
    answer = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 302
    mine = certificates.get(enrolment__participant__user__username=username)
    response = client.get(reverse("documents:certificate_download", args=[mine.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    front, back = (" ".join(page.extract_text().split()) for page in reader.pages)
    assert "a.n. Kepala Lembaga Administrasi Negara" in front
    assert "atas nama Lembaga Administrasi Negara" in front
    assert mine.enrolment.participant.birth_place in front
    assert "Karang Tanjung" in front
    assert "TRANSKRIP MATA PELATIHAN" in back
    assert "Kepemimpinan Strategis" in back
    assert "Jumlah 923" in back


# --- Field visits: Banyuwangi and Kulon Progo (demo.visits_demo) ---


def test_the_banyuwangi_visit_of_four_angkatan_in_balanced_groups(demo, client):
    started = time.perf_counter()
    result = visits_demo_ensure()
    elapsed = time.perf_counter() - started
    visit = result.banyuwangi
    assert (visit.start_date.isoformat(), visit.end_date.isoformat()) == (
        "2018-03-27", "2018-03-29",
    )  # fmt: skip
    assert visit.cohorts.count() == 4
    assert VisitMember.objects.filter(visit=visit).count() == 200
    mix = group_balance(visit)
    sizes = [sum(counts.values()) for counts in mix.values()]
    assert max(sizes) - min(sizes) <= 1
    assert all(size <= group.bus_capacity for size, group in zip(
        sizes, visit.groups.order_by("number"), strict=True))  # fmt: skip
    assert all(len(counts) == 4 for counts in mix.values())  # every group mixes the angkatan
    assert visit.hosts.count() == 9
    assert "Mal Pelayanan Publik" in " ".join(visit.hosts.values_list("agency_name", flat=True))
    kulon_progo = result.kulon_progo
    assert kulon_progo.groups.count() == 3
    assert VisitMember.objects.filter(visit=kulon_progo).count() == 30
    # The participant printed has a report to write; the escort has reports to score.
    assert not VisitReport.objects.filter(
        visit=visit, enrolment__participant__user__username=result.participant_username
    ).exists()
    assert VisitReport.objects.filter(visit=visit, score__isnull=True).exists()
    assert [role for role, _u, _n in visits_demo_logins(result)] == [
        roles.PARTICIPANT, roles.WIDYAISWARA,
    ]  # fmt: skip
    # The groups page shows them.
    client.force_login(administrator_user())
    html = client.get(reverse("participants:visit_groups", args=[visit.pk])).content.decode()
    assert html.count("<section") == 5
    html = client.get(reverse("participants:visit_detail", args=[visit.pk])).content.decode()
    assert "Kelurahan Kepatihan" in html and "Kunjungan wisata Pulau Merah" in html
    html = client.get(reverse("participants:visit_print", args=[visit.pk])).content.decode()
    assert html.count("<tr><td>") >= 200 + 9  # every participant, every host
    # Idempotent: a second run adds nothing.
    visits_demo_ensure()
    assert Visit.objects.filter(title=visit.title).count() == 1
    assert VisitMember.objects.filter(visit=visit).count() == 200
    login = visit.members.get(enrolment__participant__user__username=result.participant_username)
    print(  # noqa: T201
        f"visits_demo_ensure: {elapsed:.2f} s; participant login {result.participant_username} "
        f"({login.enrolment.participant.name}, {login.enrolment.cohort}, {login.group})"
    )


# --- Follow-up answers and the innovation catalogue (demo.followup_demo) ---


def test_the_demo_catalogue_lists_published_projects_on_the_seed_themes(demo, client):
    login = followup_demo_ensure()
    assert followup_demo_ensure() == login  # once, however often it runs
    published = list(catalogue_entries())
    assert len(published) >= 5
    assert {entry.theme_name for entry in published} & set(SEED_THEMES) == set(SEED_THEMES)
    text = client.get(reverse("projects:catalogue")).content.decode()
    for entry in published[:5]:
        assert entry.title in text

    # 2022 graduates answered and their mentors confirmed; the login has a round to answer.
    rounds = FollowUpRound.objects.filter(
        project__enrolment__cohort__angkatan=72, project__enrolment__cohort__year=2022
    )
    assert rounds.filter(confirmed_at__isnull=False).exists()
    assert rounds.filter(answered_at__isnull=False, confirmed_at__isnull=True).exists()
    _role, username, _note = login
    mine = rounds.filter(project__enrolment__participant__user__username=username)
    assert mine.filter(answered_at__isnull=True).exists()
    assert Institution.objects.filter(code="bpsdmd-banten").exists()
