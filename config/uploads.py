"""What an uploaded file really is, read from its content rather than its name; shared by
every app that takes uploads (project documents, an institution's logo and signature). And
what a document would do when opened: run JavaScript, launch a program, run macros."""

import re
import zipfile
import zlib

import filetype
import pikepdf

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
                types = b""
                if "[Content_Types].xml" in names:
                    # Only the start: the part may unpack to gigabytes (a zip bomb).
                    with archive.open("[Content_Types].xml") as part:
                        types = part.read(65536)
        except (zipfile.BadZipFile, zlib.error, OSError, KeyError, ValueError, EOFError,
                RuntimeError, NotImplementedError):  # fmt: skip
            return None
        finally:
            upload.seek(0)
        for extension, (part, content_type) in OFFICE_PARTS.items():
            if part in names and content_type in types:
                return extension
    return None


# Why an upload is refused before its content is read for what it would run.
EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_ACCEPTED = "not_accepted"
DOCUMENT_KINDS = IMAGE_AND_PDF | set(OFFICE_PARTS)


def upload_problem(upload, *, kinds, max_bytes):
    """(why the upload is refused, its kind by content): EMPTY, TOO_LARGE, NOT_ACCEPTED (none of
    `kinds`), or what it would run when opened (see active_content_of); (None, kind) for a
    file that may be kept. Each caller words the refusal for its own page."""
    if upload.size == 0:
        return EMPTY, None
    if upload.size > max_bytes:
        return TOO_LARGE, None
    kind = document_kind_of(upload)
    if kind not in kinds:
        return NOT_ACCEPTED, kind
    return active_content_of(upload, kind), kind


# What a document may not do when a coach or an examiner opens it (issue 13).
JAVASCRIPT = "javascript"
LAUNCH = "launch"
UNREADABLE = "unreadable"
MACROS = "macros"
# PDF names that run script: an action of type /JavaScript, its /JS code, and the document's
# /JavaScript name tree. /OpenAction and /AA (actions on opening a document or a page, on a
# field or an annotation) hold dictionaries of the same kind, so the walk finds them there.
PDF_SCRIPT_KEYS = {"/JS", "/JavaScript"}
# For a PDF qpdf cannot parse: the same names as bytes. A name may spell a letter as #xx, and
# ends at whitespace or a delimiter.
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_NAME_END = rb"(?=[\x00\t\n\f\r /<>\[\]()%{}]|\Z)"
PDF_HIDDEN = re.compile(rb"/(?:ObjStm|Encrypt)" + PDF_NAME_END)
PDF_SCRIPT = re.compile(rb"/(?:JavaScript|JS)" + PDF_NAME_END)
PDF_LAUNCH = re.compile(rb"/Launch" + PDF_NAME_END)
CONTAINERS = (pikepdf.Array, pikepdf.Dictionary)


def active_content_of(upload, kind):
    """What a PDF, DOCX or PPTX would run when opened: JAVASCRIPT, LAUNCH, MACROS, UNREADABLE
    (a file whose parts cannot all be seen), or None for a file that runs nothing."""
    upload.seek(0)
    try:
        if kind == "pdf":
            return _pdf_active_content(upload)
        if kind in OFFICE_PARTS:
            return _office_macros(upload)
        return None
    finally:
        upload.seek(0)


def _office_macros(upload):
    # A macro-enabled .docm/.pptm declares another content type and is refused by
    # document_kind_of; a .docx carrying the macros' part under the plain type is refused here.
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return UNREADABLE
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return MACROS
    return None


def _pdf_active_content(upload):
    try:
        pdf = pikepdf.open(upload)
    except Exception:  # qpdf gives up on a PDF it cannot repair, in several ways
        upload.seek(0)
        return _pdf_bytes_active_content(upload.read())
    with pdf:
        try:
            return _pdf_objects_active_content(pdf)
        except Exception:  # an object qpdf cannot resolve: what it holds cannot be checked
            return UNREADABLE


def _pdf_objects_active_content(pdf):
    """Every dictionary of the file: its indirect objects and the dictionaries nested in them."""
    stack = list(pdf.objects)
    found = None
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            children = list(item)
        elif isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
            keys = set(item.keys())
            action = item.get("/S")
            if keys & PDF_SCRIPT_KEYS or action == pikepdf.Name.JavaScript:
                return JAVASCRIPT
            if action == pikepdf.Name.Launch:
                found = LAUNCH  # keep looking: JavaScript, if there is some too, is named
            children = [item.get(key) for key in keys]
        else:
            continue
        # Indirect children are among pdf.objects already.
        stack.extend(c for c in children if isinstance(c, CONTAINERS) and not c.is_indirect)
    return found


def _pdf_bytes_active_content(data):
    """A PDF qpdf cannot parse, though a viewer might still open it: its names are searched
    as bytes. Dictionaries inside compressed object streams or an encrypted file cannot be
    seen that way, so such a file is refused as unreadable."""
    names = PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)
    if PDF_HIDDEN.search(names):
        return UNREADABLE
    if PDF_SCRIPT.search(names):
        return JAVASCRIPT
    if PDF_LAUNCH.search(names):
        return LAUNCH
    return None
