"""Logins that resist guessing: the hooks django-axes calls (settings "Logins and sessions",
docs/decisions.md "Logins"): the client's address, a handler with a limit per address and a
reset that forgets only the user's own failures, and the lockout page; the login form and the
password reset by e-mail ("Lupa sandi?"), rate limited and recorded."""

import ipaddress
import re

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

from .audit import PASSWORD_RESET, audit_record, client_address


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


# The login form and the password reset ("Lupa sandi?"): Django's own, in plain Indonesian.

# Django's Indonesian catalogue puts the field's label into its own sentence ("Masukkan nama
# pengguna %(username)s ..."), which reads "nama pengguna nama pengguna"; the sentence is ours.
ERROR_INVALID_LOGIN = _(
    "NIP/nama pengguna atau kata sandi salah. Periksa juga huruf besar dan kecil pada kata sandi."
)
# Reset requests per visitor address and per e-mail address (django-ratelimit syntax): enough
# for someone who mistyped, too few to flood a mailbox or to probe which addresses exist.
PASSWORD_RESET_RATE_ADDRESS = "10/h"
PASSWORD_RESET_RATE_EMAIL = "3/h"
NIP_TYPED = re.compile(r"[\s.\-]")


class LoginForm(AuthenticationForm):
    """Django's login form: a NIP may be typed grouped (19860926 201505 1 001), as printed."""

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": ERROR_INVALID_LOGIN}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("NIP atau nama pengguna")

    def clean_username(self):
        typed = self.cleaned_data["username"]
        bare = NIP_TYPED.sub("", typed)
        # Participants' and mentors' user names are their NIPs, stored bare.
        return bare if len(bare) == 18 and bare.isdigit() else typed


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, which also reaches an account whose owner never set a password:
    an invitation that was lost or expired is replaced by the same link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Alamat surel")

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        return User._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        ).iterator()


def _email_key(group, request):
    return (request.POST.get("email") or "").strip().lower()


@method_decorator(
    ratelimit(key="ip", rate=PASSWORD_RESET_RATE_ADDRESS, method="POST", block=False),
    name="post",
)
@method_decorator(
    ratelimit(key=_email_key, rate=PASSWORD_RESET_RATE_EMAIL, method="POST", block=False),
    name="post",
)
class PasswordResetRequestView(PasswordResetView):
    """The "Lupa sandi?" page: the same answer whether or not the address belongs to an
    account, so the page tells nobody who has one; a request is recorded in the audit log."""

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return render(request, "registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        # The link names the site's configured address, not the Host the request came with.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        audit_record(
            self.request, None, f"Minta tautan atur ulang sandi: {email}", event=PASSWORD_RESET
        )
        return super().form_valid(form)
