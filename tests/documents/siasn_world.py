"""A cohort with issued certificates and the SIASN stand-in knowing its graduates, for the
SIASN push tests."""

from datetime import date
from decimal import Decimal

from demo.standins.siasn import DEMO_CREDENTIALS
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch, CertificateSeries

from ..factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user
from ..participants.test_siasn_check import siasn_person

SETTINGS = {
    "SIASN_CONSUMER_KEY": DEMO_CREDENTIALS["consumer_key"],
    "SIASN_CONSUMER_SECRET": DEMO_CREDENTIALS["consumer_secret"],
    "SIASN_CLIENT_ID": DEMO_CREDENTIALS["client_id"],
    "SIASN_USERNAME": DEMO_CREDENTIALS["username"],
    "SIASN_PASSWORD": DEMO_CREDENTIALS["password"],
    # The stand-in holds a hung request until it stops: one second is a real timeout.
    "SIASN_TIMEOUT": "1",
    "SIASN_RETRY_DELAY": "0",
}


def siasn_environment(monkeypatch, settings, stand_in):
    """SIASN settings for this process and, through the environment, for a worker started
    after this call."""
    values = dict(SETTINGS, SIASN_BASE_URL=stand_in.url, SIASN_APIM_URL="", SIASN_SSO_URL="")
    for name, value in values.items():
        monkeypatch.setenv(name, value)
        setattr(settings, name, int(value) if name == "SIASN_RETRY_DELAY" else value)
    settings.SIASN_TIMEOUT = 1


def graduates_issued(count, *, stand_in=None, cohort=None):
    """A cohort whose `count` graduates have their certificates, PDFs rendered here."""
    cohort = cohort or CohortFactory()
    coach = widyaiswara_user()
    for _ in range(count):
        enrolment = enrol(cohort, coach=coach)
        project_scored(enrolment, Decimal("85"))
        if stand_in is not None:
            stand_in.person_add(siasn_person(enrolment.participant))
    batch = CertificateBatch.objects.create(cohort=cohort, requested_by=staff_user())
    certificates_issue(batch_id=batch.pk)
    return cohort


def certificates_numbered(cohort, count):
    """`count` certificates for the cohort, numbered but not rendered: quick rows for the page
    tests, which do not send them."""
    series, _ = CertificateSeries.objects.get_or_create(key=f"uji-{cohort.pk}")
    for seq in range(1, count + 1):
        Certificate.objects.create(
            enrolment=enrol(cohort), series=series, seq=seq, number=f"UJI/{cohort.pk}/{seq:03d}",
            issued_on=date(2022, 10, 22), final_score=Decimal("85"), predicate="Memuaskan",
        )  # fmt: skip
    return cohort
