"""The demo's BSrE signing: BPSDM Provinsi Jawa Timur signs its certificates through BSrE
(the stand-in on port 8702), and its PKA Angkatan VII 2019 waits for the acting head's
approval. `kepala-jatim` (password as every demo account) approves it on *Tanda tangan* with
the stand-in's NIK and passphrase (docs/integrations-bsre.md); the signed PDFs validate with
pyHanko against var/standins/bsre/ca.pem (BSRE_TRUST_ROOTS of `make demo`)."""

from cohorts.models import Cohort, Institution
from config import roles
from documents.batches import certificates_issue
from documents.bsre_models import BatchSigning, InstitutionSigner
from documents.models import Certificate, CertificateBatch

from .loaders import user_ensure
from .standins.bsre import DEFAULT_STATE_DIR, BsreStandIn

HEAD_USERNAME = "kepala-jatim"
HEAD_NIK = "3578012003700001"  # the stand-in's first person (passphrase Jatim#2026)


def bsre_demo_ensure():
    """Jawa Timur's signatory (BSrE, the acting head) and its PKA's certificates rendered
    again unsigned, waiting for the approval: once, on the first load. Returns the head's
    login line."""
    jatim = Institution.objects.get(code="bpsdm-jatim")
    head = user_ensure(HEAD_USERNAME, "Drs. Agung", "Prasetyo, M.Si.", roles.STAFF)
    jatim.staff.add(head)
    InstitutionSigner.objects.update_or_create(
        institution=jatim,
        defaults={
            "mode": InstitutionSigner.Mode.BSRE,
            "user": head,
            "name": "Drs. Agung Prasetyo, M.Si.",
            "nip": "197108172000031004",
            "title": "Kepala BPSDM Provinsi Jawa Timur",
            "acting": True,
            "nik": HEAD_NIK,
        },
    )
    # The stand-in's CA, made now if it is not there yet: the trust root the web server and
    # the worker name exists before anything is signed.
    BsreStandIn(state_dir=DEFAULT_STATE_DIR)
    pka = Cohort.objects.get(program__code="pka", angkatan=7, year=2019)
    if not BatchSigning.objects.filter(batch__cohort=pka).exists():
        # Its certificates were signed with the demo key when the demo loaded; rendered again
        # (same numbers), they are unsigned and wait for BSrE.
        Certificate.objects.filter(enrolment__cohort=pka).update(rendered_at=None)
        batch = CertificateBatch.objects.create(cohort=pka, requested_by=head)
        certificates_issue(batch_id=batch.pk)
    return (roles.STAFF, head.username, "Plt. Kepala BPSDM Jatim; menyetujui tanda tangan BSrE")
