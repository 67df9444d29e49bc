"""Rendering certificates: one PDF per certificate, signed when a key is configured.

Several certificates are rendered as the pages of one document and split, since WeasyPrint's
cost is mostly per document; each file keeps only its own page's resources.
"""

import io
import logging

import pikepdf
import segno
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cohorts.services import cohort_total_jp

from .bsre_signing import signatory_for, signer_of, uses_bsre
from .pdf import html_to_pdf, image_data_uri
from .signatories import signature_blocks, transcript_of
from .signing import pdf_sign

logger = logging.getLogger(__name__)


def qr_svg_data_uri(url):
    # A fixed mask: choosing the best of eight costs twice the rest of the QR code, and any
    # mask scans.
    return segno.make_qr(url, error="m", mask=2).svg_data_uri(scale=4, border=2)


def certificate_render(certificate):
    """The certificate as PDF bytes, always in Indonesian (it is an official document)."""
    return html_to_pdf(certificate_html(certificate))


def certificates_render_many(certificates):
    """Several certificates rendered as the pages of one document, then split into one PDF
    each. Each page draws its own QR code inline (vector paths, no shared image), so a file
    holds only its participant's data; what pages share is the fonts, the logo and the
    signature image. Falls back to one document each if the pages do not come out one each."""
    if len(certificates) == 1:
        return [certificate_render(certificates[0])]
    head, bodies = None, []
    cohort = certificates[0].enrolment.cohort
    total_jp = cohort_total_jp(cohort)
    signer = signer_of(cohort.organiser_id)
    # What every certificate of the cohort shares, read once: its blocks and its transcript.
    shared = cohort_print_parts(cohort, signer)
    # The full STTP is two pages: its front and the transcript.
    pages_each = 2 if shared["transcript"] is not None else 1
    for certificate in certificates:
        html = certificate_html(certificate, total_jp=total_jp, signer=signer, shared=shared)
        start, end = html.index("<body>") + len("<body>"), html.rindex("</body>")
        head = head or html[:start]
        bodies.append(f'<section class="sheet">{html[start:end]}</section>')
    document = html_to_pdf(head + "".join(bodies) + "</body></html>")
    with pikepdf.open(io.BytesIO(document)) as source:
        if len(source.pages) != len(certificates) * pages_each:
            logger.warning("certificates overflowed their page; rendering them one by one")
            return [certificate_render(c) for c in certificates]
        files = []
        for index, certificate in enumerate(certificates):
            with pikepdf.new() as single:
                for page in source.pages[index * pages_each : (index + 1) * pages_each]:
                    single.pages.append(page)
                # Pages of one document may share a resource dictionary: keep only what this
                # page draws, so no file carries another participant's data.
                single.remove_unreferenced_resources()
                single.docinfo["/Title"] = f"STTP {certificate.number}"
                output = io.BytesIO()
                single.save(output)
                files.append(output.getvalue())
    return files


def cohort_print_parts(cohort, signer):
    """What every certificate of a cohort prints alike (issue 18): its signature blocks
    (None: the one block of old) and, when the organiser prints the full STTP, its transcript
    (rows and total; None otherwise); and the body the cohort is run on behalf of."""
    transcript = None
    if cohort.organiser.certificate_transcript:
        rows, total = transcript_of(cohort)
        transcript = {"rows": rows, "total": total}
    return {
        "blocks": signature_blocks(cohort, signer),
        "transcript": transcript,
        "on_behalf_of": cohort.on_behalf_of,
    }


def certificate_html(certificate, total_jp=None, signer=False, shared=None):
    """`signer`: the organiser's InstitutionSigner (or None) when the caller has read it;
    `shared`: cohort_print_parts, when the caller has read it."""
    enrolment = certificate.enrolment
    cohort = enrolment.cohort
    total_jp = cohort_total_jp(cohort) if total_jp is None else total_jp
    signer = signer_of(cohort.organiser_id) if signer is False else signer
    shared = cohort_print_parts(cohort, signer) if shared is None else shared
    signatory = signatory_for(cohort.organiser, signer)
    url = certificate.get_verification_url()
    with translation.override("id"):
        return render_to_string(
            "documents/certificate_pdf.html",
            {
                "certificate": certificate,
                "participant": enrolment.participant,
                "cohort": cohort,
                "project": enrolment.project,
                "total_jp": total_jp,
                "verification_url": url,
                "qr_data_uri": qr_svg_data_uri(url),
                "logo_uri": image_data_uri(cohort.organiser.logo.name),
                "signatory": signatory,
                "blocks": shared["blocks"],
                "transcript": shared["transcript"],
                "on_behalf_of": shared["on_behalf_of"],
                # With BSrE the signature image is in BSrE's visible signature, drawn over
                # the block's empty space (documents.bsre_signing.appearance_for).
                "signature_uri": ""
                if signatory["bsre"]
                else image_data_uri(cohort.organiser.head_signature.name),
            },
        )


def certificate_pdf_store(certificate):
    """Render, sign (when a key is configured) and store the certificate's PDF. An
    institution that signs through BSrE keeps it unsigned: its next batch (*Terbitkan
    sertifikat* again) finds it rendered since it was signed and asks the signer for it."""
    pdf = certificate_render(certificate)
    if not uses_bsre(certificate.enrolment.cohort.organiser_id):
        pdf = pdf_sign(pdf)
    certificate_store(certificate, pdf)


def certificate_store(certificate, pdf_bytes):
    """Write the new file, point the certificate at it, then remove the old file: a download
    running meanwhile still finds the file the row names."""
    name = f"sttp-{certificate.pk}-{certificate.enrolment.participant.nip}.pdf"
    storage = certificate.pdf.storage
    old_name = certificate.pdf.name
    certificate.pdf.save(name, ContentFile(pdf_bytes), save=False)
    certificate.rendered_at = timezone.now()
    certificate.save(update_fields=["pdf", "rendered_at"])
    if old_name and old_name != certificate.pdf.name:
        storage.delete(old_name)
