"""One place that makes PDFs: WeasyPrint loaded once per process, stored images as data URIs,
and the base that every report is rendered on. Other modules use these public names only."""

import base64
from functools import lru_cache

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation


@lru_cache(maxsize=1)
def weasyprint_loaded():
    """WeasyPrint and a font configuration, loaded once per worker process: loading the
    library and its fonts is the slow part of a first PDF."""
    # Imported here, not at the top: WeasyPrint pulls in Pango and fonts, which web processes
    # that never render a PDF should not pay for.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    return weasyprint, FontConfiguration()


def html_to_pdf(html):
    """PDF bytes of an HTML document (static files resolve from the project directory)."""
    weasyprint, fonts = weasyprint_loaded()
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=fonts
    )


@lru_cache(maxsize=32)
def image_data_uri(name):
    """A stored image (an institution's logo or signature) as a data URI, read once per
    process and name (a replaced image gets a new name)."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return ""
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def report_pdf(template, context):
    """A report (a template extending documents/pdf_base.html) as PDF bytes, in Indonesian
    (an official document), signed off today by the organiser's head."""
    with translation.override("id"):
        html = render_to_string(template, {**context, "today": timezone.localdate()})
    return html_to_pdf(html)
