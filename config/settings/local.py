"""Development and `make demo`: debug on, an insecure key that never leaves this machine."""

from .base import *  # noqa: F401,F403
from .base import STORAGES, env

DEBUG = env.bool("DEBUG", default=True)
# Static files as production serves them, compressed (gzip) by WhiteNoise, so the demo's pages
# weigh what they will weigh (docs/decisions.md, "Light pages"): `make demo` runs collectstatic
# first; after editing a file in static/, run `manage.py collectstatic` (or `make demo`) again.
# Without hashed names, so no manifest has to be kept up to date while developing.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
SECRET_KEY = env("SECRET_KEY", default="demo-only-insecure-key-do-not-use-in-production")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Certificates are signed with the demo's self-signed key (made by `make demo`) unless a real
# key is named.
if not env("SIGNING_KEY_FILE", default=""):
    from .base import DEMO_SIGNING_KEY_FILE, DEMO_SIGNING_KEY_PASSWORD

    SIGNING_KEY_FILE = str(DEMO_SIGNING_KEY_FILE)
    SIGNING_KEY_PASSWORD = DEMO_SIGNING_KEY_PASSWORD
