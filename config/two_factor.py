"""Two-factor login (issue 13): an authenticator app (TOTP, django-otp) after the password.

Staff and administrators turn it on here: the page shows a QR code and the secret, the first
code confirms the device. After the password (Django's LoginView, with axes), a user with a
confirmed device enters a code at "Kode verifikasi" before any page opens (the check is in
config.permissions.rule_required). Turning it off asks for a current code.
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import (
    any_signed_in_user,
    awaits_code,
    can_use_two_factor,
    device_remembered_at_login,
    has_confirmed_device,
    remember_device,
    rule_required,
)
from .roles import home_url


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Kode dari aplikasi autentikator",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="Enam angka yang tampil di aplikasi (Google Authenticator, Aegis, dll.).",
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.device is None or not code.isdigit() or not self.device.verify_token(code):
            raise forms.ValidationError("Kode salah atau sudah kedaluwarsa. Coba kode terbaru.")
        return code


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return home_url(request.user)


@rule_required(any_signed_in_user, before_code=True)
def verify(request):
    """The second step of the login: the authenticator's code."""
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        # No device (an administrator removed it) or already verified: nothing to ask.
        remember_device(request, device is not None)
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _qr_data_uri(device):
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@rule_required(can_use_two_factor)
def setup(request):
    """Turn two-factor login on: scan, enter the first code; or see that it is on."""
    if has_confirmed_device(request) and confirmed_device(request.user):
        return render(
            request,
            "registration/two_factor_setup.html",
            {"enabled": True, "form": CodeForm(device=None)},
        )
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Autentikator", confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        otp_login(request, device)
        remember_device(request, True)
        messages.success(request, "Login dua langkah aktif. Setiap masuk, Anda akan diminta kode.")
        next_url = request.GET.get("next")
        return redirect(_next_url(request) if next_url else "two_factor_setup")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "enabled": False,
            "form": form,
            "qr": _qr_data_uri(device),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": request.GET.get("next", ""),
        },
    )


@rule_required(can_use_two_factor)
def disable(request):
    """Turn two-factor login off, with a current code (POST from the set-up page)."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        TOTPDevice.objects.filter(user=request.user).delete()
        remember_device(request, False)
        messages.success(request, "Login dua langkah dimatikan.")
        return redirect("two_factor_setup")
    return render(
        request, "registration/two_factor_setup.html", {"enabled": True, "form": form}, status=400
    )


def admin_site_protect(site):
    """The admin site asks for the code too: it does not go through rule_required, so its
    permission check refuses a session that still owes its code, and its login page sends
    such a session to the code step instead of asking for the password again."""
    has_permission = site.has_permission
    login = site.login

    def has_permission_after_code(request):
        return has_permission(request) and not awaits_code(request)

    def login_or_code(request, extra_context=None):
        if request.user.is_authenticated and awaits_code(request):
            target = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': target})}")
        return login(request, extra_context)

    site.has_permission = has_permission_after_code
    site.login = login_or_code


def two_factor_register():
    """Remember at each login whether the user has an authenticator (one query then, none on
    later pages); called once from an AppConfig.ready, with the audit log's login hooks."""
    user_logged_in.connect(device_remembered_at_login, dispatch_uid="two_factor_device_at_login")
