import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import translation
from django.utils.cache import patch_vary_headers


class IndonesianFirstLocaleMiddleware:
    """Activate the language the user chose with the header switch, else Bahasa Indonesia.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English
    to an officer whose laptop came with an English Windows. Angkatan is Indonesian first: only
    an explicit choice (the language cookie set by the switch) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionIdleTimeoutMiddleware:
    """End a signed-in session after SESSION_COOKIE_AGE seconds without a request.

    Django already ends a session SESSION_COOKIE_AGE after it was last saved (the row's expiry
    and the cookie's max-age). This renews it while it is used: a request more than
    RENEW_SECONDS after the last renewal saves it again, so it ends between
    SESSION_COOKIE_AGE - RENEW_SECONDS and SESSION_COOKIE_AGE after the last request. Saving at
    every request instead (SESSION_SAVE_EVERY_REQUEST) would write the session row on every
    page. A session whose last renewal is older than SESSION_COOKIE_AGE is ended here too, in
    case its row lives longer (saved under a longer setting).
    """

    RENEW_SECONDS = 60
    RENEWED_KEY = "_angkatan_renewed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        renewed = session.get(self.RENEWED_KEY)
        if renewed is not None and time.time() - renewed >= settings.SESSION_COOKIE_AGE:
            session.flush()
            renewed = None
        response = self.get_response(request)
        # A session saved anyway (a login) takes the mark at no cost; one without a mark
        # that is not saved (made before this middleware, or by a test's force_login) keeps
        # the expiry it was saved with.
        if SESSION_KEY in session and (
            session.modified
            or (renewed is not None and time.time() - renewed >= self.RENEW_SECONDS)
        ):
            session[self.RENEWED_KEY] = int(time.time())
        return response


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header of settings.PERMISSIONS_POLICY on every response.

    Django has no setting for it and django-csp writes only Content-Security-Policy. Each
    feature maps to the origins allowed to use it: none (`camera=()`), or "self".
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
