"""What every REST API endpoint shares, whatever its domain: pages, the one error shape and the
rate limits per key. The endpoints are in each app's api.py, the router in documents.api_urls,
the keys in cohorts.api_keys (README, "API"; docs/integrations-api.md).

Every error, whatever its status (400, 401, 403, 404, 405, 429, 500), answers one shape, so
that a client needs one reader:

    {"error": {"code": "invalid", "message": "<Indonesian sentence>",
               "fields": {"nip": ["<Indonesian sentence>"]}}}

`fields` is empty unless the request's data was refused; a field's messages name it.
"""

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import SimpleRateThrottle

from .permissions import public

logger = logging.getLogger(__name__)

# The sentence each kind of refusal says (the `message` of the shape); codes stay English,
# for programs to compare.
MESSAGES = {
    "invalid": gettext_lazy("Data yang dikirim tidak dapat diterima; lihat pesan per isian."),
    "parse_error": gettext_lazy("Isi permintaan bukan JSON yang dapat dibaca."),
    "not_authenticated": gettext_lazy(
        "Kunci API diperlukan: kirim header Authorization: Api-Key <kunci>."
    ),
    "authentication_failed": gettext_lazy("Kunci API tidak dikenal atau sudah dicabut."),
    "permission_denied": gettext_lazy("Kunci API ini tidak boleh melakukan permintaan ini."),
    "not_found": gettext_lazy("Tidak ditemukan."),
    "method_not_allowed": gettext_lazy("Metode %(method)s tidak dapat dipakai di alamat ini."),
    "not_acceptable": gettext_lazy("Jawaban hanya tersedia sebagai JSON."),
    "unsupported_media_type": gettext_lazy("Kirim isi permintaan sebagai application/json."),
    "throttled": gettext_lazy("Terlalu banyak permintaan. Coba lagi dalam %(wait)s detik."),
    "server_error": gettext_lazy("Terjadi kesalahan di server. Coba lagi nanti."),
}
ERROR_PAGE = gettext_lazy("Halaman %(page)s tidak ada.")


def error_body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


# DRF's own field messages, in Indonesian: its Indonesian catalogue has few of them. By code,
# except "invalid", which our services' refusals carry too: that one by DRF's English sentence.
FIELD_MESSAGES = {
    "required": gettext_lazy("Isian ini wajib diisi."),
    "null": gettext_lazy("Isian ini tidak boleh null."),
    "blank": gettext_lazy("Isian ini tidak boleh kosong."),
    "empty": gettext_lazy("Daftar ini tidak boleh kosong."),
    "not_a_list": gettext_lazy("Isian ini harus berupa daftar."),
    "invalid_choice": gettext_lazy("Pilihan ini tidak dikenal."),
    "max_length": gettext_lazy("Isian ini terlalu panjang."),
    "min_length": gettext_lazy("Isian ini terlalu pendek."),
    "max_string_length": gettext_lazy("Angka ini terlalu panjang."),
    "date": gettext_lazy("Harus berupa tanggal (YYYY-MM-DD)."),
}
INVALID_MESSAGES = {
    str(serializers.DecimalField.default_error_messages["invalid"]): gettext_lazy(
        "Harus berupa angka."
    ),
    str(serializers.IntegerField.default_error_messages["invalid"]): gettext_lazy(
        "Harus berupa bilangan bulat."
    ),
    str(serializers.CharField.default_error_messages["invalid"]): gettext_lazy(
        "Harus berupa teks."
    ),
    str(serializers.EmailField.default_error_messages["invalid"]): gettext_lazy(
        "Alamat surel tidak valid."
    ),
    str(serializers.SlugField.default_error_messages["invalid"]): gettext_lazy(
        "Hanya huruf, angka, garis bawah, dan tanda hubung."
    ),
    str(serializers.BooleanField.default_error_messages["invalid"]): gettext_lazy(
        "Harus berupa true atau false."
    ),
}
INVALID_DATA = gettext_lazy("Harus berupa objek JSON.")


def _message(detail):
    code = getattr(detail, "code", None)
    if code in FIELD_MESSAGES:
        return str(FIELD_MESSAGES[code])
    if code == "invalid":
        if str(detail) in INVALID_MESSAGES:
            return str(INVALID_MESSAGES[str(detail)])
        if str(detail).startswith("Invalid data. Expected a dictionary"):
            return str(INVALID_DATA)
    return str(detail)


def _messages(detail):
    """A field's errors as a list of sentences (nested errors joined into the field's)."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item)]
    return [_message(detail)]


def _fields(detail, prefix=""):
    """DRF's error detail as {field: [sentences]}, nested fields named with dots
    ("scores.0.score"); errors that belong to no field under "non_field_errors"."""
    if isinstance(detail, dict):
        out = {}
        for name, value in detail.items():
            out.update(_fields(value, f"{prefix}{name}."))
        return out
    if isinstance(detail, list) and any(isinstance(item, dict) for item in detail):
        out = {}
        for index, item in enumerate(detail):
            if item:
                out.update(_fields(item, f"{prefix}{index}."))
        return out
    return {(prefix.rstrip(".") or "non_field_errors"): _messages(detail)}


def api_exception_handler(exc, context):
    """DRF's handler (status, Retry-After, WWW-Authenticate), then the one shape for the body.
    Anything else raised in a view is logged and answers 500 in the same shape."""
    # Imported here: rest_framework.views reads the authentication classes when imported,
    # and cohorts.api_keys, one of them, imports this module.
    from rest_framework.views import exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("API: %s", context.get("view"), exc_info=exc)
        return JsonResponse(
            error_body("server_error", MESSAGES["server_error"]),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    code, fields = "server_error", {}
    if isinstance(exc, exceptions.ValidationError):
        code, fields = "invalid", _fields(exc.detail)
        message = MESSAGES["invalid"]
    else:
        code = getattr(exc, "default_code", None) or "server_error"
        message = _message_of(exc, code, context)
    response.data = error_body(code, message, fields)
    return response


def _message_of(exc, code, context):
    own = getattr(exc, "api_message", None)  # a refusal that says its own sentence
    if own:
        return own
    if code == "method_not_allowed":
        return MESSAGES[code] % {"method": context["request"].method}
    if code == "throttled":
        return MESSAGES[code] % {"wait": int(exc.wait or 1)}
    if code in MESSAGES:
        return MESSAGES[code]
    return str(exc.detail)


class Refused(exceptions.APIException):
    """A refusal with our own sentence and status (403 for a read-only key's write)."""

    def __init__(self, message, *, status_code=status.HTTP_403_FORBIDDEN, code=None):
        self.status_code = status_code
        self.default_code = code or {403: "permission_denied", 404: "not_found"}.get(
            status_code, "invalid"
        )
        self.api_message = str(message)
        super().__init__(detail=str(message), code=self.default_code)


def validation_error_of(error, field="non_field_errors"):
    """A Django ValidationError raised by a service, as DRF's, its messages under `field`
    (or under its own fields when it has them): the service's Indonesian sentences, unchanged."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(
            {
                field if name == NON_FIELD_ERRORS else name: [
                    message for each in errors for message in each.messages
                ]
                for name, errors in error.error_dict.items()
            }
        )
    return serializers.ValidationError({field: list(error.messages)})


class Pagination(PageNumberPagination):
    """?page= (from 1) and ?page_size= (50 unless asked, at most API_PAGE_SIZE_MAX); the answer
    has `count`, `next`, `previous` and `results`. Two queries: the count and the page."""

    page_size = 50
    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_PAGE_SIZE_MAX

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as error:
            raise Refused(
                ERROR_PAGE % {"page": request.query_params.get(self.page_query_param, "")},
                status_code=status.HTTP_404_NOT_FOUND,
            ) from error


class KeyRateThrottle(SimpleRateThrottle):
    """API_RATE_READ reads and API_RATE_WRITE writes per key (per address without one), counted
    in the shared cache (CACHE_URL) as the verification page's limit is. The rates are read at
    each request, so that a deployment (or a test) changes them without a restart."""

    def get_rate(self):
        return None  # read per request in allow_request

    def allow_request(self, request, view):
        writing = request.method not in ("GET", "HEAD", "OPTIONS")
        self.rate = settings.API_RATE_WRITE if writing else settings.API_RATE_READ
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.scope = "write" if writing else "read"
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        key = getattr(request, "auth", None)
        ident = f"key-{key.pk}" if getattr(key, "pk", None) else self.get_ident(request)
        return f"api-throttle:{self.scope}:{ident}"


def _error_serializer():
    return inline_serializer(
        name="Error",
        fields={
            "error": inline_serializer(
                name="ErrorDetail",
                fields={
                    "code": serializers.CharField(
                        help_text="invalid, not_authenticated, authentication_failed, "
                        "permission_denied, not_found, method_not_allowed, throttled, "
                        "server_error, ..."
                    ),
                    "message": serializers.CharField(help_text="Kalimat dalam bahasa Indonesia."),
                    "fields": serializers.DictField(
                        child=serializers.ListField(child=serializers.CharField()),
                        help_text="Pesan per isian (kosong bila bukan kesalahan data).",
                    ),
                },
            )
        },
    )


ERROR = _error_serializer()


def error_responses(*codes):
    """The documented error answers of an endpoint, each in the one shape."""
    descriptions = {
        400: "Data tidak diterima (fields: pesan per isian).",
        401: "Tanpa kunci, atau kunci tidak dikenal/dicabut.",
        403: "Kunci baca saja menulis.",
        404: "Tidak ada, atau milik instansi lain.",
        429: "Terlalu banyak permintaan (header Retry-After).",
    }
    return {code: OpenApiResponse(ERROR, description=descriptions[code]) for code in codes}


@public("an address under /api/ that names nothing answers the API's own 404")
def api_not_found(request, *args, **kwargs):
    return JsonResponse(error_body("not_found", _("Tidak ditemukan.")), status=404)
