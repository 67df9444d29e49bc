"""The demo's webhook: BPSDMD Banten's own system (the receiver stand-in, port 8704) is told
when one of Banten's certificates is issued, revoked or reissued. What it received is listed
at http://127.0.0.1:8704/angkatan/webhook; the deliveries are in the admin site."""

import os

from cohorts.models import Institution, Webhook

from .standins import webhooks as receiver


def webhook_demo_ensure():
    """Banten's webhook to the receiver stand-in, with the stand-in's secret: once."""
    port = os.environ.get("WEBHOOKS_STANDIN_PORT") or "8704"
    banten = Institution.objects.get(code="bpsdmd-banten")
    url = f"http://127.0.0.1:{port}{receiver.PATH}"
    webhook, _created = Webhook.objects.get_or_create(institution=banten, url=url)
    if webhook.secret != receiver.DEMO_SECRET:
        Webhook.objects.filter(pk=webhook.pk).update(secret=receiver.DEMO_SECRET)
    return webhook
