"""Reading certificates back as a person would: the text, and the QR code on the rendered page."""

import io
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_first_page_png(data: bytes, dpi=150) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", "1", str(source),
             str(Path(folder) / "page")],
            check=True,
        )  # fmt: skip
        return Image.open(Path(folder) / "page.png").convert("RGB")


def pdf_qr_codes(data: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(pdf_first_page_png(data))]


def certificate_pdf_read(certificate):
    """The certificate's PDF text and the URL in its QR code, after checking that the text
    names its holder and its number."""
    data = certificate.pdf.read()
    participant = certificate.enrolment.participant
    text = pdf_text(data)
    assert participant.name in text
    assert participant.nip_display in text
    assert certificate.number in text
    [url] = pdf_qr_codes(data)
    return data, text, url
