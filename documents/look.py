"""An institution's certificate look: signatory, logo, signature image and wording, set by
staff on the institution's certificate page."""

from django.db import transaction


@transaction.atomic
def certificate_look_save(*, form):
    """Save a valid InstitutionCertificateForm. A replaced image is stored under a new name,
    so the rendering cache (documents.pdf.image_data_uri, keyed by name) never serves the old
    one; the certificates already issued keep the look they were rendered with."""
    return form.save()
