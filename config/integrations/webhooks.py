"""Signed webhook POSTs to an institution's own system (documents.webhooks sends them).

The contract is Angkatan's own, in the manner of GitHub's and Stripe's webhooks
(docs/integrations-api.md, "Webhooks"): a JSON body and these headers

    X-Angkatan-Event: certificate.issued
    X-Angkatan-Delivery: <the delivery's id: the same on every retry, for deduplication>
    X-Angkatan-Timestamp: <Unix seconds when sent>
    X-Angkatan-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>

The receiver recomputes the signature over the raw body, compares it in constant time and
refuses an old timestamp (a replay). Any 2xx is success; a 5xx, a timeout or no connection is
tried again later; a 4xx is a refusal, not retried. This module knows nothing of models.
"""

import hashlib
import hmac
import json
import time

from django.conf import settings

from .base import http

SYSTEM = "Webhook"


def signature_of(secret, timestamp, body):
    """The X-Angkatan-Signature value for a body (bytes) sent at `timestamp`."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(secret, timestamp, body, signature, *, now=None, tolerance=300):
    """What a receiver checks (the stand-in and the docs' example use it)."""
    now = time.time() if now is None else now
    try:
        fresh = abs(now - int(timestamp)) <= tolerance
    except (TypeError, ValueError):
        return False
    return fresh and hmac.compare_digest(signature_of(secret, timestamp, body), signature or "")


def webhook_post(*, url, secret, event, delivery_id, payload):
    """POST one event; the response on a 2xx, else an IntegrationError (base.http)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Angkatan-Webhook/1",
        "X-Angkatan-Event": event,
        "X-Angkatan-Delivery": str(delivery_id),
        "X-Angkatan-Timestamp": timestamp,
        "X-Angkatan-Signature": signature_of(secret, timestamp, body),
    }
    return http(SYSTEM, "POST", url, timeout=settings.WEBHOOK_TIMEOUT, data=body, headers=headers)
