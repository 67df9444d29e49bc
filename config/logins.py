"""Logins that resist guessing: the hooks django-axes calls (settings "Logins and sessions",
docs/decisions.md "Logins"): the client's address, a handler with a limit per address and a
reset that forgets only the user's own failures, and the lockout page."""

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from .audit import client_address


def login_client_address(request):
    """The client's address as config.audit.client_address reads it (the rate limit's way:
    RATELIMIT_IP_META_KEY behind a proxy, else REMOTE_ADDR); an IPv6 address stands for its
    /64 network, which one client usually holds whole, so failures count per client."""
    address = client_address(request)
    if address is None:
        return None  # none or not an address: such requests share one count
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


class LoginAttemptsHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for an address, and a successful
    login that forgets only its own user name's failures."""

    def get_failures(self, request, credentials=None):
        """Failures of this user name, or the limit when its address has reached
        LOGIN_ADDRESS_FAILURE_LIMIT (axes locks when this reaches AXES_FAILURE_LIMIT)."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

        def failures(**lookup):
            total = recent.filter(**lookup).aggregate(total=Sum("failures_since_start"))
            return total["total"] or 0

        by_name = failures(username=get_client_username(request, credentials))
        if failures(ip_address=request.axes_ip_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_name, get_failure_limit(request, credentials))
        return by_name

    def reset_user_attempts(self, request, credentials=None):
        """On a successful login, forget the failures of that user name (from any address).
        axes would also forget every failure from the address: anyone with an account could
        then guess another's password four times, sign in as themselves, and go on."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def login_locked_out(request, original_response=None, credentials=None):
    """The page for a refused login (axes' AXES_LOCKOUT_CALLABLE): why, for how long, and who
    can unlock earlier."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "minutes": int(get_cool_off(request).total_seconds() // 60),
            "failure_limit": get_failure_limit(request, credentials),
            "address_failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
