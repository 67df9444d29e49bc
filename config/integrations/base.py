"""What every client of an outside system shares: its errors, its health and one HTTP call.

The errors are for staff: each says, in Indonesian, which system, what happened and whether
trying again later can help (`retryable`). Jobs retry only retryable errors; a refusal (the
system read the request and said no) is shown with the system's own reason.
"""

from dataclasses import dataclass

import requests
from django.utils.translation import gettext as _


class IntegrationError(Exception):
    """An outside system did not do what was asked. str(error) is the message for staff."""

    retryable = False

    def __init__(self, system, message):
        self.system = system
        super().__init__(message)


class NotConfigured(IntegrationError):
    """Angkatan has no settings for this system (see the README, Integrations)."""

    def __init__(self, system, variable):
        super().__init__(
            system,
            _("%(system)s belum diatur: isi %(variable)s di lingkungan server.")
            % {"system": system, "variable": variable},
        )


class Unavailable(IntegrationError):
    """No answer in time, no connection, or a server error: worth trying again later."""

    retryable = True


class Refused(IntegrationError):
    """The system answered and refused (4xx): trying again unchanged will not help."""

    def __init__(self, system, message, status=None):
        self.status = status
        super().__init__(system, message)


class BadAnswer(IntegrationError):
    """The system answered something its contract does not allow (not JSON, fields missing).

    Retryable: a garbled answer is usually a proxy or an overloaded server, and callers that
    write make their writes idempotent before they retry."""

    retryable = True


@dataclass(frozen=True)
class Health:
    """One line of the administrators' page."""

    system: str
    configured: bool
    ok: bool
    detail: str
    address: str = ""


def http(system, method, url, *, timeout, session=None, **kwargs):
    """One HTTP request to an outside system: the response of a 2xx, else an IntegrationError.

    A 4xx becomes Refused carrying the system's own message when it sent one; 5xx, timeouts
    and refused connections become Unavailable."""
    caller = session or requests
    try:
        response = caller.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as error:
        raise Unavailable(
            system,
            _("%(system)s tidak menjawab dalam %(seconds)s detik. Coba lagi nanti.")
            % {"system": system, "seconds": timeout},
        ) from error
    except requests.RequestException as error:
        raise Unavailable(
            system,
            _("%(system)s tidak dapat dihubungi (%(reason)s). Coba lagi nanti.")
            % {"system": system, "reason": type(error).__name__},
        ) from error
    if response.status_code >= 500:
        raise Unavailable(
            system,
            _("%(system)s sedang bermasalah (galat %(status)s). Coba lagi nanti.")
            % {"system": system, "status": response.status_code},
        )
    if response.status_code >= 400:
        raise Refused(
            system,
            _("%(system)s menolak permintaan (%(status)s): %(reason)s")
            % {
                "system": system,
                "status": response.status_code,
                "reason": _answer_reason(response) or response.reason,
            },
            status=response.status_code,
        )
    return response


def json_of(system, response):
    """The JSON body of a response, or BadAnswer."""
    try:
        return response.json()
    except ValueError as error:
        raise BadAnswer(
            system,
            _("Jawaban %(system)s tidak dapat dibaca (bukan JSON).") % {"system": system},
        ) from error


def _answer_reason(response):
    """The message an outside system put in its error body, under the usual names."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "detail", "exception"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key][:200]
    return ""
