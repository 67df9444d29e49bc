from django.conf import settings
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
