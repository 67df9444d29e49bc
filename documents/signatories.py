"""What the full STTP prints (issue 18): its signature blocks and its transcript page.

The signature blocks: up to three CertificateSignatory per institution and program (a
program without its own takes the institution's general ones), or, when none are set, the
one block certificates always had (documents.bsre_signing.signatory_for: the InstitutionSigner's
name, else the head on the certificate page). A cohort run on another body's behalf whose
`on_behalf_signs` is set adds that body's block first ("a.n. Kepala Lembaga Administrasi
Negara"). How the PDF is signed electronically stays the InstitutionSigner's business; with
BSrE its visible signature goes over the last block, which is the organiser's.

The transcript: the subjects (mata pelatihan) of the cohort's curriculum version with their
JP, phase by phase (docs/decisions.md, "The STTP transcript").
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import Institution

from .bsre_signing import signatory_for
from .pdf import image_data_uri
from .signatory_models import CertificateSignatory

MAX_SIGNATORIES = 3
ERROR_TOO_MANY = _(
    "Paling banyak tiga penanda tangan untuk satu program di satu lembaga; hapus salah satu "
    "sebelum menambah yang baru."
)
ON_BEHALF_PREFIX = "a.n."


def signatories_of(institution_id, program_id):
    """The signatories an institution's certificates of this program print, in order: the
    program's own, else the institution's general ones (program empty), else none."""
    rows = CertificateSignatory.objects.filter(
        Q(program_id=program_id) | Q(program__isnull=True), institution_id=institution_id
    )
    own = [s for s in rows if s.program_id is not None]
    return sorted(own or rows, key=lambda s: (s.order, s.pk))


@transaction.atomic
def signatory_save(*, signatory):
    """Save a signatory (new or changed), refusing a fourth for the same institution and
    program. The institution's rows are locked so that two staff adding at once cannot both
    pass the count."""
    Institution.objects.select_for_update().filter(pk=signatory.institution_id).first()
    others = CertificateSignatory.objects.filter(
        institution_id=signatory.institution_id, program_id=signatory.program_id
    ).exclude(pk=signatory.pk)
    if others.count() >= MAX_SIGNATORIES:
        raise ValidationError(ERROR_TOO_MANY)
    signatory.save()
    return signatory


def signatory_delete(*, signatory):
    signatory.delete()


def on_behalf_block(cohort):
    """The block of the body the cohort is run on behalf of, or None. Its head signs in their
    own name; when the head's title is not the body's head itself (a deputy signing for the
    head), "a.n. Kepala <body>" goes above it."""
    body = cohort.on_behalf_of
    if body is None or not cohort.on_behalf_signs:
        return None
    head_of_body = f"Kepala {body.name}"
    title = body.head_title or head_of_body
    return {
        "over": "" if title == head_of_body else f"{ON_BEHALF_PREFIX} {head_of_body}",
        "title": title,
        "name": body.head_name,
        "nip": body.head_nip,
        "signature_uri": image_data_uri(body.head_signature.name),
    }


def signature_blocks(cohort, signer):
    """The blocks the certificate prints, left to right, or None for the one block of old
    (no signatories set and no on-behalf block): the template then draws it as it always did.
    `signer`: the organiser's InstitutionSigner or None. With BSrE the last block (the
    organiser's, where BSrE draws its visible signature) prints no image."""
    signatories = signatories_of(cohort.organiser_id, cohort.program_id)
    behalf = on_behalf_block(cohort)
    if not signatories and behalf is None:
        return None
    bsre = signer is not None and signer.uses_bsre
    if signatories:
        own = [
            {
                "over": "",
                "title": s.display_title,
                "name": s.name,
                "nip": s.nip,
                "signature_uri": image_data_uri(s.signature.name),
            }
            for s in signatories
        ]
    else:
        head = signatory_for(cohort.organiser, signer)
        own = [
            {
                "over": "",
                "title": head["title"],
                "name": head["name"],
                "nip": head["nip"],
                "signature_uri": image_data_uri(cohort.organiser.head_signature.name),
            }
        ]
    if bsre:
        own[-1]["signature_uri"] = ""
    return ([behalf] if behalf else []) + own


def transcript_of(cohort):
    """(rows, total): the subjects of the cohort's phases with their JP, in phase order; a
    phase whose curriculum lists no subjects is one row of its own (its name and JP). Each
    row: number, subject, phase name, JP. Two queries."""
    phases = cohort.phases.select_related("template").prefetch_related("template__subjects")
    rows = []
    for phase in phases.order_by("order"):
        subjects = list(phase.template.subjects.all()) if phase.template else []
        if subjects:
            rows.extend((s.name, phase.name, s.jp) for s in subjects)
        else:
            rows.append((phase.name, phase.name, phase.jp))
    numbered = [
        {"number": n, "subject": subject, "phase": phase, "jp": jp}
        for n, (subject, phase, jp) in enumerate(rows, start=1)
    ]
    return numbered, sum(row["jp"] for row in numbered)
