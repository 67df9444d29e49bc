"""Downloads of stored files (certificates, reports, project documents), sent by the web process
as they are read from the default storage: the media folder, or the S3 bucket of a scaled-out
deployment (README, "Production").

From a bucket, django-storages' file object first copies the whole object into the web
process's memory (a SpooledTemporaryFile that never rolls over) and only then lets it be read:
a merged PDF or a ZIP of a large cohort would sit in memory once per download. The object's
body is read from S3 as it is sent instead, a block at a time.
"""

from botocore.exceptions import ClientError
from django.http import FileResponse
from storages.backends.s3 import S3Storage

MISSING = {"404", "NoSuchKey", "NotFound"}


def stored_file_response(field, filename):
    """A FileResponse that sends the stored file of `field` as an attachment named `filename`.
    Raises FileNotFoundError when the file is not in storage, whatever the storage."""
    if not isinstance(field.storage, S3Storage):
        return FileResponse(field.open("rb"), as_attachment=True, filename=filename)
    try:
        stored = field.storage.open(field.name, "rb")  # the object's metadata, not its bytes
        body = stored.obj.get()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in MISSING:
            raise FileNotFoundError(field.name) from error
        raise
    response = FileResponse(body["Body"], as_attachment=True, filename=filename)
    response["Content-Length"] = body["ContentLength"]
    return response
