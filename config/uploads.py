"""What an uploaded file really is, read from its content rather than its name; shared by
every app that takes uploads (project documents, an institution's logo and signature)."""

import zipfile

import filetype

# Office files are ZIP archives; the part that makes them a document or a presentation, and
# its declared type (a macro-enabled .docm/.pptm declares another one and is refused).
OFFICE_PARTS = {
    "docx": (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
IMAGE_AND_PDF = {"pdf", "jpg", "png"}


def document_kind_of(upload):
    """The real type of an uploaded file ("pdf", "docx", "pptx", "jpg" or "png"), or None."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head)
    if guess and guess.extension in IMAGE_AND_PDF:
        return guess.extension
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                types = (
                    archive.read("[Content_Types].xml")[:65536]
                    if "[Content_Types].xml" in names
                    else b""
                )
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        finally:
            upload.seek(0)
        for extension, (part, content_type) in OFFICE_PARTS.items():
            if part in names and content_type in types:
                return extension
    return None
