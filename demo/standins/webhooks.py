"""An institution's own system receiving Angkatan's webhooks (config.integrations.webhooks).

POST /angkatan/webhook checks the signature as a receiver should (HMAC-SHA256 of
"<timestamp>.<body>" with the shared secret, a timestamp within five minutes): a bad one is
401. A delivery id it has seen is answered 200 again without being kept twice (a retry after a
lost answer). GET /angkatan/webhook lists what it kept, newest last, for the demo.
"""

from config.integrations.webhooks import signature_valid

from .base import Reply, StandIn

DEMO_SECRET = "demo-webhook-secret"
PATH = "/angkatan/webhook"


class WebhookReceiverStandIn(StandIn):
    name = "webhooks"

    def __init__(self, *, secret=DEMO_SECRET, **kwargs):
        self.secret = secret
        self.events = []  # (delivery id, event, payload) kept, once per delivery id
        super().__init__(**kwargs)

    def routes(self):
        return [("POST", PATH, self.receive), ("GET", PATH, self.listing)]

    def receive(self, request):
        headers = request.headers
        if not signature_valid(
            self.secret,
            headers.get("x-angkatan-timestamp"),
            request.body,
            headers.get("x-angkatan-signature"),
        ):
            return Reply(status=401, body={"message": "Tanda tangan tidak cocok"})
        delivery = headers.get("x-angkatan-delivery", "")
        if delivery not in {d for d, _e, _p in self.events}:
            self.events.append((delivery, headers.get("x-angkatan-event", ""), request.json()))
        return Reply(body={"ok": True})

    def listing(self, request):
        return Reply(body=[{"delivery": d, "event": e, "payload": p} for d, e, p in self.events])


def build(**options):
    return WebhookReceiverStandIn(**options)
