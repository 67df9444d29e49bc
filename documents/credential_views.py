"""Verifiable credentials' pages (issue 18): the holder's (and staff's) download of a
certificate's Open Badges credential, the public keys, the status list, the issuer's profile
and the public verification, a page for people and JSON for machines. The rules are in
documents.credentials."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from cohorts.models import Institution
from cohorts.scope import within_reach
from config.audit import export_record
from config.permissions import (
    can_download_certificate,
    can_issue_certificates,
    deny_unless,
    object_checked_in_view,
    public,
    rule_required,
)

from .credentials import (
    CONTEXT_OB,
    CONTEXT_VC,
    MALFORMED,
    MEDIA_TYPE,
    CredentialUnavailable,
    certificate_for_credential,
    credential_filename,
    credential_issue,
    credential_verify,
    issuer_id,
    jwks,
    jwks_url,
    status_list_credential,
)
from .models import Certificate


def verify_rate(group, request):
    return settings.VERIFY_RATE


@rule_required(object_checked_in_view)
def credential_download(request, pk):
    """The certificate's credential as a .jwt file: for its holder, and for staff of the
    organiser (another agency's certificate is not found), as the PDF's download rules."""
    certificates = Certificate.objects.all()
    if can_issue_certificates(request.user):
        get_object_or_404(
            within_reach(certificates, request.user, cohort="enrolment__cohort"), pk=pk
        )
        certificate = certificate_for_credential(pk)
    else:
        certificate = certificate_for_credential(pk)
        if certificate is None:
            raise Http404
        deny_unless(can_download_certificate(request.user, certificate))
    try:
        token = credential_issue(certificate)
    except CredentialUnavailable as error:
        raise Http404(str(error)) from error
    export_record(request, certificate, f"Sertifikat {certificate.number} (Open Badges)")
    response = HttpResponse(token, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{credential_filename(certificate)}"'
    return response


@public("verifiers fetch the issuer's public keys to check a credential's signature")
def credential_keys(request):
    response = JsonResponse(jwks())
    response["Content-Type"] = "application/jwk-set+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public("verifiers fetch the status list to see whether a credential was revoked")
def credential_status_list(request, list_number):
    """The status list as a signed VC-JWT, made from the database on every request: a
    revocation shows at once. One query."""
    try:
        token = status_list_credential(list_number)
    except CredentialUnavailable as error:
        raise Http404(str(error)) from error
    response = HttpResponse(token, content_type=MEDIA_TYPE)
    response["Cache-Control"] = "no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public("a credential's issuer profile, named in every credential it issued")
def credential_issuer(request, pk):
    institution = get_object_or_404(Institution, pk=pk)
    return JsonResponse(
        {
            "@context": [CONTEXT_VC, CONTEXT_OB],
            "id": issuer_id(institution),
            "type": ["Profile"],
            "name": institution.name,
            "url": settings.SITE_URL + "/",
            "jwks": jwks_url(),
        }  # fmt: skip
    )


def _token_of(request):
    """The credential a visitor or a machine sent: the form's field, a JSON body's
    "credential", a raw JWT body, or ?kredensial= on a GET."""
    if request.method == "GET":
        return request.GET.get("kredensial", "")
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return ""
        return str(body.get("credential", "")) if isinstance(body, dict) else ""
    if request.content_type in ("application/jwt", MEDIA_TYPE, "text/plain"):
        return request.body.decode("utf-8", "replace")
    return request.POST.get("kredensial", "")


def _too_many():
    return _("Terlalu banyak pemeriksaan dari alamat Anda. Coba lagi sebentar lagi.")


@public("anyone may check a credential someone showed them")
@ratelimit(key="ip", rate=verify_rate, group="credential_verify", block=False)
@require_http_methods(["GET", "POST"])
def credential_verify_page(request):
    """Paste a credential (the content of the .jwt file) and see whether it is valid,
    revoked or not genuine, in Indonesian."""
    token = _token_of(request)
    context = {"token": token, "verdict": None, "jwks_url": jwks_url()}
    status = 200
    if getattr(request, "limited", False):
        context["limited"] = _too_many()
        status = 429
    elif request.method == "POST" or token:
        context["verdict"] = credential_verify(token)
        if context["verdict"].status == MALFORMED:
            status = 400
    return render(request, "documents/credential_verify.html", context, status=status)


@public("machines check a credential; the answer is JSON")
@csrf_exempt  # nothing is changed and no session is read: a third party's server posts here
@ratelimit(key="ip", rate=verify_rate, group="credential_verify", block=False)
@require_http_methods(["GET", "POST"])
def credential_verify_json(request):
    if getattr(request, "limited", False):
        return JsonResponse({"status": "limited", "valid": False, "message": _too_many()},
                            status=429)  # fmt: skip
    verdict = credential_verify(_token_of(request))
    return JsonResponse(verdict.as_json(), status=400 if verdict.status == MALFORMED else 200)
